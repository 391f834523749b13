import type { FloorHolder, FloorRequest } from '@giaoban/shared';

/**
 * Floor-queue helpers. The server owns the queue and sends it in the chair's order; the client
 * tells a site its place, builds the new order when the chair moves an entry, and grades the
 * speaking timer.
 */

/** 1-based place of a site in the queue, or null when it is not waiting. */
export function placeInQueue(queue: readonly FloorRequest[], siteId: string): number | null {
  const i = queue.findIndex((e) => e.siteId === siteId);
  return i < 0 ? null : i + 1;
}

/**
 * The order of site ids after moving one entry by `delta` places (negative: towards the front),
 * for `floor:reorder`. Returns null when the move changes nothing, so the caller skips the request.
 */
export function moveInQueue(
  queue: readonly FloorRequest[],
  siteId: string,
  delta: number,
): string[] | null {
  const order = queue.map((e) => e.siteId);
  const from = order.indexOf(siteId);
  if (from < 0) return null;
  const to = Math.min(Math.max(from + delta, 0), order.length - 1);
  if (to === from) return null;
  order.splice(from, 1);
  order.splice(to, 0, siteId);
  return order;
}

/** Applies an order of site ids to a queue (optimistic update before the server confirms). */
export function applyOrder(
  queue: readonly FloorRequest[],
  order: readonly string[],
): FloorRequest[] {
  const rank = new Map(order.map((id, i) => [id, i]));
  return [...queue].sort(
    (a, b) =>
      (rank.get(a.siteId) ?? Number.MAX_SAFE_INTEGER) -
      (rank.get(b.siteId) ?? Number.MAX_SAFE_INTEGER),
  );
}

export type SpeakingState = 'ok' | 'warning' | 'over';

export interface SpeakingTimer {
  /** Milliseconds since the floor was granted. */
  readonly elapsedMs: number;
  /** Milliseconds left, or null when there is no limit. Negative past the limit. */
  readonly remainingMs: number | null;
  readonly state: SpeakingState;
}

/**
 * The speaking timer of the floor holder at `nowMs` (server-corrected clock). Amber in the last
 * minute (the hub warns at 60 s and 10 s left), red past the limit.
 */
export function speakingTimer(
  holder: FloorHolder,
  nowMs: number,
  warnBeforeMs = 60_000,
): SpeakingTimer {
  const granted = Date.parse(holder.grantedAt);
  const elapsedMs = Math.max(0, nowMs - granted);
  if (!holder.limitSeconds) return { elapsedMs, remainingMs: null, state: 'ok' };
  const end = holder.endsAt ? Date.parse(holder.endsAt) : granted + holder.limitSeconds * 1000;
  const remainingMs = end - nowMs;
  const state: SpeakingState =
    remainingMs <= 0
      ? 'over'
      : remainingMs <= Math.min(warnBeforeMs, (holder.limitSeconds * 1000) / 2)
        ? 'warning'
        : 'ok';
  return { elapsedMs, remainingMs, state };
}

/** Requests made on a given agenda item, e.g. to show "3 sites asked to speak on item 2". */
export function requestsForItem(
  queue: readonly FloorRequest[],
  itemId: string | undefined,
): number {
  return queue.filter((r) => r.itemId === itemId).length;
}

export type QueueSectionKey = 'item' | 'other' | 'general';

/**
 * The queue split for the chair: requests on the current agenda item, on other items, and general
 * remarks (no item). Each entry keeps its place `i` in the whole queue; empty sections are left out.
 */
export function queueSections(
  queue: readonly FloorRequest[],
  currentItemId: string | undefined,
): { key: QueueSectionKey; entries: { r: FloorRequest; i: number }[] }[] {
  const by: Record<QueueSectionKey, { r: FloorRequest; i: number }[]> = {
    item: [],
    other: [],
    general: [],
  };
  queue.forEach((r, i) => {
    const key: QueueSectionKey = !r.itemId
      ? 'general'
      : r.itemId === currentItemId
        ? 'item'
        : 'other';
    by[key].push({ r, i });
  });
  return (['item', 'other', 'general'] as const)
    .filter((k) => by[k].length > 0)
    .map((key) => ({ key, entries: by[key] }));
}
