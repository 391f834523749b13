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
