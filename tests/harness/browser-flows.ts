// UI flows shared by the e2e tests and the join benchmark, written against the client's
// data-testids (client/TESTIDS.md) and its read-only debug state (window.__giaoban).
import type { Page } from 'playwright-core';
import { type InboundRtp, readRtcStats, waitUntil } from './browser.js';

/** The test ids used here, in one place. */
export const TID = {
  loginUsername: 'login-username',
  loginPassword: 'login-password',
  loginSubmit: 'login-submit',
  loginError: 'login-error',
  meetingList: 'meeting-list',
  openMeeting: (meetingId: string) => `open-meeting-${meetingId}`,
  lobbyJoin: 'join-button',
  connectivity: 'connectivity-status',
  lobbyPreview: 'lobby-preview',
  banner: 'connection-banner',
  chairVideo: 'video-chair',
  spotlightVideo: 'video-spotlight',
  micState: 'mic-state',
  toggleMic: 'toggle-mic',
  requestFloor: 'request-floor',
  floorStatus: 'floor-status',
  grantFloor: (siteId: string) => `grant-floor-${siteId}`,
  queueEntry: (siteId: string) => `queue-entry-${siteId}`,
  floorHolder: 'floor-holder',
  muteAll: 'mute-all',
  rollcallStart: 'rollcall-start',
  rollcallResults: 'rollcall-results',
  rollcallAnswer: (siteId: string) => `rollcall-answer-${siteId}`,
  exportCsv: 'export-csv',
  navAdmin: 'nav-admin',
} as const;

export const tid = (id: string) => `[data-testid="${id}"]`;

/** Answers the confirmation `dialogTestId` (e.g. `confirm-mute-all`) with its action button. */
export async function confirmDialog(page: Page, dialogTestId: string): Promise<void> {
  const dialog = page.locator(tid(dialogTestId));
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.locator(tid('confirm-ok')).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
}

/** Roots of the screens (class names until the client gives them test ids). */
export const SCREEN = {
  signIn: tid(TID.loginUsername),
  meetingList: tid(TID.meetingList),
  lobby: tid(TID.lobbyJoin),
  site: '.site-view',
  chair: '.chair-console',
  secretary: '.secretary-console',
} as const;

export type JoinRole = 'site' | 'chair' | 'secretary';

export interface Credentials {
  username: string;
  password: string;
}

/** Signs in on the sign-in screen and waits for the meeting list. */
export async function signIn(page: Page, origin: string, who: Credentials): Promise<void> {
  await page.goto(`${origin}/`);
  await page.locator(tid(TID.loginUsername)).fill(who.username);
  await page.locator(tid(TID.loginPassword)).fill(who.password);
  await page.locator(tid(TID.loginSubmit)).click();
  await page.locator(SCREEN.meetingList).waitFor({ timeout: 30_000 });
}

export async function signInAndEnterMeeting(
  page: Page,
  origin: string,
  who: Credentials,
  meetingId: string,
): Promise<void> {
  await signIn(page, origin, who);
  await page.locator(tid(TID.openMeeting(meetingId))).click();
  await page.locator(SCREEN.lobby).waitFor({ timeout: 30_000 });
}

/** Opens a site's invitation link; the client exchanges the token and shows the lobby. */
export async function openInvitation(page: Page, origin: string, token: string): Promise<void> {
  await page.goto(`${origin}/join/${encodeURIComponent(token)}`);
  await page.locator(SCREEN.lobby).waitFor({ timeout: 30_000 });
}

/**
 * Waits until the lobby is ready the way a user would (Join enabled and, for a participant that
 * publishes, the connectivity check finished over UDP or TCP). Returns the check's result.
 */
export async function waitLobbyReady(page: Page, publishes: boolean): Promise<string | null> {
  await page.locator(`${tid(TID.lobbyJoin)}:enabled`).waitFor({ timeout: 60_000 });
  if (!publishes) return null;
  const status = page.locator(tid(TID.connectivity));
  return waitUntil(
    async () => {
      const r = await status.getAttribute('data-result');
      if (r === 'failed') throw new Error('lobby connectivity check failed');
      return r === 'udp' || r === 'tcp' ? r : null;
    },
    { what: 'the lobby connectivity check', timeoutMs: 60_000 },
  );
}

/** Clicks Join in the lobby (once ready) and waits for the role's screen. */
export async function joinFromLobby(page: Page, role: JoinRole): Promise<void> {
  await waitLobbyReady(page, role !== 'secretary');
  await page.locator(tid(TID.lobbyJoin)).click();
  const root = role === 'site' ? SCREEN.site : role === 'chair' ? SCREEN.chair : SCREEN.secretary;
  await page.locator(root).first().waitFor({ timeout: 60_000 });
}

// --- debug state (window.__giaoban) -------------------------------------------------------------

export interface DebugConsumer {
  consumerId: string;
  producerId: string;
  peerId: string;
  siteId?: string | null;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
  spatialLayer: number | null;
  trackId: string;
  mid: string | null;
}

export interface DebugProducer {
  id: string;
  kind: 'audio' | 'video';
  source?: string;
  paused: boolean;
}

export interface DebugSession {
  meetingId: string;
  connection: { status: string; media: string; attempt: number };
  you: { role: string; peerId: string; siteId?: string; micAllowed: boolean } | null;
  local: { micOn: boolean; cameraOn: boolean; micProducerPaused: boolean };
  producers: DebugProducer[];
  consumers: DebugConsumer[];
}

export async function debugSession(page: Page): Promise<DebugSession | null> {
  return page.evaluate(() => {
    const g = (window as unknown as { __giaoban?: { session: unknown } }).__giaoban;
    return (g?.session ?? null) as DebugSession | null;
  });
}

/** The consumer (as the client reports it) of `peerId` (the hub may add a `:<connection>` suffix). */
export async function waitForConsumer(
  page: Page,
  peerId: string,
  kind: 'audio' | 'video',
  timeoutMs = 60_000,
): Promise<DebugConsumer> {
  let last: DebugSession | null = null;
  return waitUntil(
    async () => {
      last = await debugSession(page);
      return last?.consumers.find(
        (c) =>
          (c.peerId === peerId || c.peerId.startsWith(`${peerId}:`)) &&
          c.kind === kind &&
          c.source !== 'screen' &&
          !c.paused,
      );
    },
    {
      what: `a running ${kind} consumer of ${peerId}`,
      timeoutMs,
      detail: () => JSON.stringify(last?.consumers ?? null),
    },
  );
}

export const sitePeer = (siteId: string) => `site:${siteId}`;
export const userPeer = (accountId: string) => `user:${accountId}`;

/**
 * Waits until media from `peerId` flows into the page: the client's current consumer of that
 * peer (re-read on every poll, so a consumer re-created by a reconnection is followed) shows
 * `counter` growing by more than `minDelta` between two readings of its inbound-rtp statistics.
 */
export async function waitForPeerMedia(
  page: Page,
  peerId: string,
  kind: 'audio' | 'video',
  counter: 'framesDecoded' | 'packetsReceived' | 'totalSamplesReceived' | 'totalAudioEnergy',
  opts: { what: string; minDelta?: number; timeoutMs?: number },
): Promise<{ consumer: DebugConsumer; stat: InboundRtp }> {
  const baseline = new Map<string, number>();
  let last = '';
  return waitUntil(
    async () => {
      const session = await debugSession(page);
      const consumer = session?.consumers.find(
        (c) =>
          (c.peerId === peerId || c.peerId.startsWith(`${peerId}:`)) &&
          c.kind === kind &&
          c.source !== 'screen' &&
          !c.paused,
      );
      const stats = await readRtcStats(page);
      last = JSON.stringify({ consumers: session?.consumers ?? null, inbound: stats.inbound });
      if (!consumer) return null;
      const stat = stats.inbound.find((s) => s.trackIdentifier === consumer.trackId);
      if (!stat) return null;
      const before = baseline.get(consumer.trackId);
      if (before === undefined) {
        baseline.set(consumer.trackId, stat[counter]);
        return null;
      }
      return stat[counter] > before + (opts.minDelta ?? 0) ? { consumer, stat } : null;
    },
    {
      what: opts.what,
      timeoutMs: opts.timeoutMs ?? 60_000,
      intervalMs: 400,
      detail: () => last,
    },
  );
}
