import type { AgendaItem } from '@giaoban/shared';

export type AgendaItemPhase = 'pending' | 'running' | 'done';

export function agendaPhase(item: AgendaItem): AgendaItemPhase {
  if (item.endedAt) return 'done';
  if (item.startedAt) return 'running';
  return 'pending';
}

export function sortedAgenda(agenda: readonly AgendaItem[]): AgendaItem[] {
  return [...agenda].sort((a, b) => a.order - b.order);
}

/** Time left for a running item at `nowMs`, planned plus extensions; negative when over time. */
export function agendaRemainingMs(item: AgendaItem, nowMs: number): number | null {
  if (!item.startedAt || item.endedAt) return null;
  const budget = (item.plannedMinutes + (item.extendedMinutes ?? 0)) * 60_000;
  return Date.parse(item.startedAt) + budget - nowMs;
}

/**
 * The full agenda order (ids) after moving one item by `delta` places, or null when it cannot
 * move. `agenda:reorder` takes every item exactly once, finished ones included.
 */
export function moveAgendaItem(
  agenda: readonly AgendaItem[],
  itemId: string,
  delta: number,
): string[] | null {
  const order = sortedAgenda(agenda).map((i) => i.id);
  const from = order.indexOf(itemId);
  if (from < 0) return null;
  const to = Math.min(Math.max(from + delta, 0), order.length - 1);
  if (to === from) return null;
  order.splice(from, 1);
  order.splice(to, 0, itemId);
  return order;
}
