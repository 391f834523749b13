import type { Snapshot } from '@giaoban/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthStore } from '../AuthStore';
import { BriefingStore } from '../briefing/BriefingStore';
import type { ReconnectPolicy } from '../lib/backoff';
import { meeting } from '../test/fixtures';
import { MeetingSession } from './MeetingSession';
import type { SignalSocket } from './SignalClient';

/**
 * A stand-in for the Socket.IO client: the test decides when the link is up, and answers
 * requests like the hub would. Media is not started (that needs a browser and a hub).
 */
class FakeSocket {
  connected = false;
  auth: unknown;
  up = true;
  readonly handlers = new Map<string, Set<(...a: unknown[]) => void>>();
  readonly sent: { event: string; payload: unknown }[] = [];
  joins = 0;
  /** Commands the hub refuses, with the code it answers (e.g. MEETING_CLOSED). */
  readonly refuse = new Map<string, string>();
  /** What `mic:acceptUnmute` answers. */
  micAnswer = { allowed: true, muted: false, unmute: 'accepted' };
  /** Runs after the hub took the join's snapshot and before its ack reaches the client. */
  beforeJoinAck: (() => void) | null = null;
  on(e: string, h: (...a: unknown[]) => void) {
    if (!this.handlers.has(e)) this.handlers.set(e, new Set());
    this.handlers.get(e)!.add(h);
    return this;
  }
  once(e: string, h: (...a: unknown[]) => void) {
    const w = (...a: unknown[]) => {
      this.off(e, w);
      h(...a);
    };
    return this.on(e, w);
  }
  off(e: string, h: (...a: unknown[]) => void) {
    this.handlers.get(e)?.delete(h);
    return this;
  }
  fire(e: string, ...a: unknown[]) {
    for (const h of [...(this.handlers.get(e) ?? [])]) h(...a);
  }
  connect() {
    queueMicrotask(() => {
      if (this.up) {
        this.connected = true;
        this.fire('connect');
      } else this.fire('connect_error', new Error('xhr poll error'));
    });
    return this;
  }
  disconnect() {
    const was = this.connected;
    this.connected = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }
  /** The network drops. */
  drop() {
    this.up = false;
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  timeout() {
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        if (!this.connected) throw new Error('timeout');
        this.sent.push({ event, payload });
        const refused = this.refuse.get(event);
        if (refused) {
          if (event === 'meeting:join') this.joins++;
          return { ok: false, error: { code: refused, message: refused } };
        }
        if (event === 'mic:acceptUnmute') return { ok: true, data: this.micAnswer };
        if (event === 'meeting:join') {
          this.joins++;
          const data = snapshot(this.joins);
          this.beforeJoinAck?.();
          return { ok: true, data };
        }
        if (event === 'floor:request') {
          return {
            ok: true,
            data: {
              holder: null,
              queue: [
                {
                  siteId: '00004',
                  siteName: 'Ba Đình',
                  requestedAt: '2026-11-26T08:00:00Z',
                  presenter: false,
                },
              ],
              spotlight: { kind: 'chair' },
              serverTime: '2026-11-26T01:30:00.000Z',
            },
          };
        }
        if (event === 'vote:answer') {
          const { voteId, option } = payload as { voteId: string; option: number };
          return {
            ok: true,
            data: {
              id: voteId,
              itemId: null,
              question: 'Thông qua?',
              options: ['Tán thành', 'Không tán thành'],
              secret: false,
              openedAt: '2026-11-26T08:00:00Z',
              deadline: '2026-11-26T08:05:00Z',
              closedAt: null,
              expected: 3,
              answered: 1,
              tally: null,
              ballots: null,
              yourAnswer: option,
            },
          };
        }
        return { ok: true, data: null };
      },
    };
  }
}

let closedOnJoin = false;
function snapshot(seq: number): Snapshot {
  return {
    meeting: meeting(closedOnJoin ? { state: 'closed' } : {}),
    you: {
      role: 'site',
      accountId: 'a1',
      name: 'Ba Đình',
      siteId: '00004',
      peerId: `site:00004:${seq}`,
      micAllowed: false,
      mic: { allowed: false, muted: false, unmute: 'none' },
    },
    chair: { id: 'acc_chair', name: 'Chủ trì' },
    secretary: { id: 'acc_sec', name: 'Thư ký' },
    sites: [{ siteId: '00004', code: '00004', name: 'Ba Đình' }],
    floor: {
      holder: null,
      queue: [],
      spotlight: { kind: 'chair' },
      serverTime: '2026-11-26T01:30:00.000Z',
    },
    rollCall: null,
    attendance: [],
    presence: null,
    producers: [],
    seq,
    serverTime: new Date().toISOString(),
  };
}

const fixedPolicy = (delays: number[]): ReconnectPolicy => ({
  nextRetryDelayMs: ({ retryCount }) => delays[retryCount] ?? null,
});

let sock: FakeSocket;
beforeEach(() => {
  vi.useFakeTimers();
  closedOnJoin = false;
  sock = new FakeSocket();
});
const sessions: MeetingSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.leave();
  vi.useRealTimers();
});

function makeSession(policy: ReconnectPolicy) {
  const s = new MeetingSession({
    meetingId: 'mtg1',
    auth: new AuthStore(),
    policy,
    socket: sock as unknown as SignalSocket,
  });
  sessions.push(s);
  return s;
}

describe('MeetingSession reconnection', { timeout: 30_000 }, () => {
  it('joins, shows the retry schedule after a drop, and resyncs from a fresh snapshot', async () => {
    const s = makeSession(fixedPolicy([1000, 2000, 4000]));
    await s.start();
    expect(s.view().connection.status).toBe('connected');
    expect(s.view().state?.seq).toBe(1);

    sock.drop();
    expect(s.view().connection).toMatchObject({ status: 'reconnecting', attempt: 1 });
    // First retry fails (still offline): the second one is scheduled with the next delay.
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.view().connection).toMatchObject({
      status: 'reconnecting',
      attempt: 2,
      lastError: 'NETWORK',
    });
    sock.up = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.view().connection.status).toBe('connected');
    expect(s.view().connection.restoredAt).not.toBeNull();
    expect(s.view().state?.seq).toBe(2); // the resync replaced the state with the new snapshot
    expect(sock.joins).toBe(2);
  });

  it('keeps an action made while offline and sends it after the resync', async () => {
    const s = makeSession(fixedPolicy([500, 500, 500]));
    await s.start();
    sock.drop();
    const pending = s.act('floor:request', { itemId: 'i2' });
    await vi.advanceTimersByTimeAsync(100);
    expect(sock.sent.filter((x) => x.event === 'floor:request')).toHaveLength(0);
    sock.up = true;
    await vi.advanceTimersByTimeAsync(600);
    const floor = await pending;
    expect(floor.queue[0]?.siteId).toBe('00004');
    // Sent exactly once, after the re-join.
    const events = sock.sent.map((x) => x.event);
    expect(events.filter((e) => e === 'floor:request')).toHaveLength(1);
    expect(events.lastIndexOf('meeting:join')).toBeLessThan(events.indexOf('floor:request'));
    // The ack was applied at once to the local state.
    expect(s.view().state?.floor.queue).toHaveLength(1);
  });

  it("hands an ack to the push listeners as the push it stands for (a site's own vote answer)", async () => {
    const s = makeSession(fixedPolicy([500]));
    await s.start();
    const store = new BriefingStore();
    s.on('push', (event, payload) => store.apply(event, payload));
    await s.act('vote:answer', { voteId: 'v1', option: 1 });
    // The hub never broadcasts a site's own answer: only the ack tells the site what it chose.
    expect(store.get().view.votes).toEqual([expect.objectContaining({ id: 'v1', yourAnswer: 1 })]);
  });

  it('gives up when the policy says so, and "retry now" starts over', async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    sock.drop();
    await vi.advanceTimersByTimeAsync(150);
    expect(s.view().connection.status).toBe('failed');
    sock.up = true;
    s.retryNow();
    await vi.advanceTimersByTimeAsync(10);
    expect(s.view().connection.status).toBe('connected');
  });

  it('does not fight another connection of the same site: no automatic retry when replaced', async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.connected = false;
    sock.fire('disconnect', 'io server disconnect');
    expect(s.view().connection).toMatchObject({ status: 'failed', replaced: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(sock.joins).toBe(1);
    s.retryNow();
    await vi.advanceTimersByTimeAsync(10);
    expect(s.view().connection).toMatchObject({ status: 'connected', replaced: false });
    expect(sock.joins).toBe(2);
  });

  it('names the browser that took over when the hub says which (session:displaced)', async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.fire('session:displaced', {
      device: 'Firefox 140 · Linux',
      at: '2026-12-03T02:00:00.000Z',
    });
    sock.connected = false;
    sock.fire('disconnect', 'io server disconnect');
    expect(s.view().connection).toMatchObject({
      status: 'failed',
      replaced: true,
      replacedBy: { device: 'Firefox 140 · Linux' },
    });
  });

  it('never retries after access was taken back (session:revoked)', async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.fire('session:revoked', { reason: 'password' });
    sock.connected = false;
    sock.fire('disconnect', 'io server disconnect');
    expect(s.view().connection).toMatchObject({
      status: 'failed',
      revoked: { reason: 'password' },
    });
    expect(s.view().connection.replaced).not.toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sock.joins).toBe(1);
  });

  it('applies server pushes to the state', async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    sock.fire('mic:allowed', { siteId: '00004', allowed: true });
    expect(s.view().state?.micAllowed).toBe(true);
    sock.fire('moderation:muted', { siteId: null });
    expect(s.view().state?.micAllowed).toBe(false);
    sock.fire('media:newProducer', {
      producerId: 'p1',
      peerId: 'user:acc_chair:1',
      kind: 'video',
      source: 'camera',
      paused: false,
    });
    expect(s.view().state?.producers).toHaveLength(1);
    sock.fire('media:reset', { reason: 'workerdied' });
    expect(s.view().state?.producers).toEqual([]);
  });

  it('keeps a push written after its join snapshot was taken but before the ack (property suite #9)', async () => {
    // The hub took the snapshot, then granted the floor and pushed it, then the ack left: the
    // push arrives first. The old code replaced the state with the older snapshot: the floor lost.
    sock.beforeJoinAck = () =>
      sock.fire('floor:updated', {
        holder: {
          siteId: '00004',
          siteName: 'Ba Đình',
          grantedAt: '2026-11-26T01:30:00.000Z',
          limitSeconds: 0,
        },
        queue: [],
        spotlight: { kind: 'chair' },
        serverTime: '2026-11-26T01:30:00.000Z',
      });
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    expect(s.view().state?.floor.holder?.siteId).toBe('00004');
  });

  it('joins from the lobby without entering, and enters (and re-enters) once the user joins', async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    const joins = () => sock.sent.filter((x) => x.event === 'meeting:join').map((x) => x.payload);
    // The lobby is not attendance: the hub is told so.
    expect(joins()).toEqual([{ meetingId: 'mtg1', lobby: true }]);
    await s.enter();
    expect(joins()).toEqual([{ meetingId: 'mtg1', lobby: true }, { meetingId: 'mtg1' }]);
    // After a drop, the resync enters again (no trip back to the lobby).
    sock.drop();
    sock.up = true;
    await vi.advanceTimersByTimeAsync(150);
    expect(s.view().connection.status).toBe('connected');
    expect(joins().at(-1)).toEqual({ meetingId: 'mtg1' });
  });

  it('renews an expired token and reconnects by itself when the hub closes the socket for it', async () => {
    const auth = new AuthStore();
    const renew = vi.spyOn(auth, 'renew').mockResolvedValue(true);
    const s = new MeetingSession({
      meetingId: 'mtg1',
      auth,
      policy: fixedPolicy([100, 100]),
      socket: sock as unknown as SignalSocket,
    });
    sessions.push(s);
    await s.start();
    sock.fire('session:expired', { code: 'TOKEN_EXPIRED', message: 'access token expired' });
    sock.connected = false;
    sock.fire('disconnect', 'io server disconnect');
    // Not mistaken for "replaced by another connection of this site".
    expect(s.view().connection).toMatchObject({ status: 'reconnecting' });
    expect(s.view().connection.replaced).not.toBe(true);
    await vi.advanceTimersByTimeAsync(150);
    expect(renew).toHaveBeenCalled();
    expect(s.view().connection.status).toBe('connected');
    expect(sock.joins).toBe(2);
  });

  it('never opens a microphone the hub does not allow', async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start(); // the snapshot says micAllowed: false
    await s.setMic(true);
    expect(s.view().local.micOn).toBe(false);
    expect(sock.sent.some((x) => x.event === 'media:setProducerPaused')).toBe(false);
    // Allowed by the hub without the floor (a stale or wrong push): the shared rule still says no.
    sock.fire('mic:allowed', { siteId: '00004', allowed: true, muted: false, unmute: 'none' });
    await s.setMic(true);
    expect(s.view().local.micOn).toBe(false);
    sock.fire('floor:updated', {
      holder: {
        siteId: '00004',
        siteName: 'Ba Đình',
        grantedAt: new Date().toISOString(),
        limitSeconds: 0,
      },
      queue: [],
      spotlight: { kind: 'chair' },
      serverTime: new Date().toISOString(),
    });
    await s.setMic(true);
    expect(s.view().local.micOn).toBe(true);
  });

  it('ends a site session when the meeting closes: no reconnect, actions refused', async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.fire('meeting:updated', meeting({ state: 'closed' }));
    expect(s.view().connection.status).toBe('ended');
    expect(s.view().state?.meeting.state).toBe('closed');
    expect(sock.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sock.joins).toBe(1); // nothing reconnects to a closed meeting
    await expect(s.act('floor:request', {})).rejects.toMatchObject({ code: 'MEETING_CLOSED' });
  });

  it('ends a site session that rejoins a meeting closed while it was away', async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.drop();
    closedOnJoin = true;
    sock.up = true;
    await vi.advanceTimersByTimeAsync(150);
    expect(s.view().connection.status).toBe('ended');
  });

  it("ends on the hub's meeting:ended, with the close time, and never reconnects", async () => {
    const s = makeSession(fixedPolicy([100, 100]));
    await s.start();
    sock.fire('meeting:ended', {
      meetingId: 'mtg1',
      state: 'closed',
      at: '2026-11-26T10:00:00.000Z',
    });
    expect(s.view().connection.status).toBe('ended');
    const m = s.view().state!.meeting;
    expect(m.state).toBe('closed');
    expect(m.transitions.at(-1)).toMatchObject({ to: 'closed', at: '2026-11-26T10:00:00.000Z' });
    // The hub then closes the socket: that is no "connection lost".
    sock.fire('disconnect', 'io server disconnect');
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.view().connection.status).toBe('ended');
    expect(sock.joins).toBe(1);
  });

  it('ends (no reconnect loop) when a rejoin is refused with MEETING_CLOSED', async () => {
    const s = makeSession(fixedPolicy([100, 100, 100, 100]));
    await s.start();
    sock.drop();
    sock.refuse.set('meeting:join', 'MEETING_CLOSED');
    sock.up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.view().connection.status).toBe('ended');
    expect(s.view().state?.meeting.state).toBe('closed');
    expect(sock.joins).toBe(2); // one refused attempt, then nothing
  });

  it('ends when an action is refused with MEETING_CLOSED (its meeting:ended was missed)', async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    sock.refuse.set('floor:request', 'MEETING_CLOSED');
    await expect(s.act('floor:request', {})).rejects.toMatchObject({ code: 'MEETING_CLOSED' });
    expect(s.view().connection.status).toBe('ended');
    expect(s.view().state?.meeting.state).toBe('closed');
  });

  it('shows the end screen, not an error to retry, when the first join is refused', async () => {
    sock.refuse.set('meeting:join', 'MEETING_CLOSED');
    const closed = makeSession(fixedPolicy([100]));
    await expect(closed.start()).rejects.toMatchObject({ code: 'MEETING_CLOSED' });
    expect(closed.view().connection.status).toBe('ended');
    sock = new FakeSocket();
    sock.refuse.set('meeting:join', 'REMOVED');
    const removed = makeSession(fixedPolicy([100]));
    await expect(removed.start()).rejects.toMatchObject({ code: 'REMOVED' });
    expect(removed.view().connection.status).toBe('removed');
  });

  it("accepts the chair's ask-to-unmute through mic:acceptUnmute and takes the hub's answer", async () => {
    const s = makeSession(fixedPolicy([100]));
    await s.start();
    sock.fire('moderation:askUnmute', { siteId: '00004' });
    expect(s.view().state?.askedToUnmute).toBe(true);
    expect(s.view().state?.micAllowed).toBe(false);
    await s.acceptUnmute();
    expect(sock.sent.filter((x) => x.event === 'mic:acceptUnmute')).toEqual([
      { event: 'mic:acceptUnmute', payload: {} },
    ]);
    expect(s.view().state).toMatchObject({
      micAllowed: true,
      askedToUnmute: false,
      mic: { allowed: true, unmute: 'accepted' },
    });
  });
});
