import type { MeetingSession } from './session/MeetingSession';

/**
 * `window.__giaoban`: read-only debug state for tests and support staff. Consumers carry the
 * producer's peer id, site id, kind, track id and mid, so a test can map `getStats()` inbound-rtp
 * (trackIdentifier / mid) to a site.
 */
export interface GiaobanDebug {
  readonly version: string;
  readonly session: Record<string, unknown> | null;
  readonly consumers: unknown[];
  readonly producers: unknown[];
  readonly connection: unknown;
  /** Per-consumer inbound-rtp numbers (packets, bytes, frames decoded, audio energy). */
  inboundStats(): Promise<Record<string, unknown>[]>;
}

let current: MeetingSession | null = null;

export function installDebug(): void {
  const api: GiaobanDebug = Object.freeze({
    version: '0.1.0',
    get session() {
      return current ? current.debug() : null;
    },
    get consumers() {
      return (current?.debug().consumers as unknown[]) ?? [];
    },
    get producers() {
      return (current?.debug().producers as unknown[]) ?? [];
    },
    get connection() {
      return current?.debug().connection ?? null;
    },
    inboundStats() {
      return current ? current.inboundStats() : Promise.resolve([]);
    },
  });
  Object.defineProperty(window, '__giaoban', { value: api, configurable: false, writable: false });
}

export function registerDebugSession(session: MeetingSession): () => void {
  current = session;
  return () => {
    if (current === session) current = null;
  };
}
