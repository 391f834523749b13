import { describe, expect, it } from 'vitest';
import type { MeetingState } from './domain';
import { type MayProduceView, mayProduce, micStatusOf, type ProduceSite } from './mayProduce';
import { MEETING_EVENT_TYPES, MeetingEventEntry } from './meetingLog';
import { parsePeerId, peerIdOf, siteOfPeer, socketOfPeer } from './peerId';

function view(
  o: {
    state?: MeetingState;
    openMics?: boolean;
    holder?: string | null;
    sites?: Record<string, Partial<ProduceSite>>;
  } = {},
): MayProduceView {
  const sites = o.sites ?? { A: {} };
  return {
    meeting: { state: o.state ?? 'in_session', openMics: o.openMics ?? false },
    holderSiteId: o.holder ?? null,
    site: (id) =>
      sites[id] ? { removed: false, muted: false, unmute: 'none', ...sites[id] } : undefined,
  };
}
const mic = (v: MayProduceView, siteId = 'A', connId?: string) =>
  mayProduce('site', { siteId, connId }, v).mic;

describe('mayProduce', () => {
  it('lets a site talk only while it holds the floor', () => {
    expect(mic(view())).toBe(false);
    expect(mic(view({ holder: 'A' }))).toBe(true);
    expect(mic(view({ holder: 'B', sites: { A: {}, B: {} } }))).toBe(false);
  });

  it('keeps a muted holder closed unless it accepted an unmute request', () => {
    expect(mic(view({ holder: 'A', sites: { A: { muted: true } } }))).toBe(false);
    expect(mic(view({ holder: 'A', sites: { A: { muted: true, unmute: 'requested' } } }))).toBe(
      false,
    );
    expect(mic(view({ holder: 'A', sites: { A: { muted: true, unmute: 'accepted' } } }))).toBe(
      true,
    );
    // An accepted unmute without the floor gives nothing.
    expect(mic(view({ sites: { A: { muted: true, unmute: 'accepted' } } }))).toBe(false);
  });

  it('opens every unmuted site in an open-mic meeting, never a removed one', () => {
    expect(mic(view({ openMics: true }))).toBe(true);
    expect(mic(view({ openMics: true, sites: { A: { muted: true } } }))).toBe(false);
    expect(mic(view({ openMics: true, holder: 'A', sites: { A: { removed: true } } }))).toBe(false);
    expect(mayProduce('site', { siteId: 'A' }, view({ sites: { A: { removed: true } } }))).toEqual({
      mic: false,
      camera: false,
      screen: false,
    });
  });

  it('closes every microphone outside open and in-session, and everything once closed', () => {
    for (const state of ['draft', 'scheduled', 'adjourned', 'closed'] as const) {
      expect(mic(view({ state, holder: 'A', openMics: true }))).toBe(false);
    }
    expect(mayProduce('site', { siteId: 'A' }, view({ state: 'adjourned' })).camera).toBe(true);
    expect(mayProduce('chair', undefined, view({ state: 'closed' }))).toEqual({
      mic: false,
      camera: false,
      screen: false,
    });
  });

  it('lets the chair and admins send, never secretaries or observers', () => {
    expect(mayProduce('chair', undefined, view()).mic).toBe(true);
    expect(mayProduce('admin', undefined, view()).screen).toBe(true);
    expect(mayProduce('secretary', undefined, view()).camera).toBe(false);
    expect(mayProduce('observer', undefined, view()).mic).toBe(false);
  });

  it("opens only the site's live connection when the socket is named", () => {
    const v = view({ holder: 'A', sites: { A: { connId: 's1' } } });
    expect(mic(v, 'A', 's1')).toBe(true);
    expect(mic(v, 'A', 'lobby-tab')).toBe(false);
    expect(mic(v, 'A')).toBe(true);
  });

  it('describes the mic state on the wire', () => {
    expect(micStatusOf('A', view({ holder: 'A', sites: { A: { muted: true } } }))).toEqual({
      allowed: false,
      muted: true,
      unmute: 'none',
    });
  });
});

describe('peer ids', () => {
  it('are built and parsed in one place', () => {
    const s = peerIdOf({ role: 'site', siteId: '00004', accountId: 'site:00004' }, 'abc');
    expect(s).toBe('site:00004:abc');
    expect(parsePeerId(s)).toEqual({ kind: 'site', siteId: '00004', socketId: 'abc' });
    const u = peerIdOf({ role: 'chair', accountId: 'acc:1' }, 'x9');
    expect(u).toBe('user:acc:1:x9');
    expect(parsePeerId(u)).toEqual({ kind: 'user', accountId: 'acc:1', socketId: 'x9' });
    expect(siteOfPeer(u)).toBeUndefined();
    expect(siteOfPeer(s)).toBe('00004');
    expect(socketOfPeer(u)).toBe('x9');
    for (const bad of ['', 'site', 'site:00004', 'robot:1:2', ':a:b', 'site:1:']) {
      expect(parsePeerId(bad), bad).toBeNull();
    }
  });
});

describe('the meeting log vocabulary', () => {
  const base = {
    seq: 1,
    at: '2026-11-26T01:30:00.000Z',
    actor: { id: 'c', role: 'chair', name: 'C' },
  };
  it('accepts each known entry and refuses unknown types and malformed data', () => {
    expect(MEETING_EVENT_TYPES).toContain('mic.unmuteAccept');
    expect(
      MeetingEventEntry.safeParse({
        ...base,
        type: 'floor.grant',
        data: { siteId: 'A', limitSeconds: 60 },
      }).success,
    ).toBe(true);
    expect(
      MeetingEventEntry.safeParse({ ...base, type: 'floor.grant', data: { siteId: 'A' } }).success,
    ).toBe(false);
    expect(MeetingEventEntry.safeParse({ ...base, type: 'nonsense', data: {} }).success).toBe(
      false,
    );
    expect(
      MeetingEventEntry.safeParse({ ...base, type: 'state', data: { from: 'open', to: 'moon' } })
        .success,
    ).toBe(false);
  });
});
