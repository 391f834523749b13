import type { AttendanceRow } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import {
  eventually,
  exchangeInvite,
  FAKE_DTLS,
  login,
  ok,
  opusRtpParameters,
  req,
} from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 3, siteAccounts: 0 }, media: true });
const { sock } = fx;

describe('the lobby is not attendance', () => {
  it('tests media from the lobby without a join interval; entering starts attendance', async () => {
    const { meetingId, people, sites } = fx.t.seed;
    const sec = await sock(
      (await login(fx.t.url, people.secretary.username, people.secretary.password)).accessToken,
    );
    await ok(sec, 'meeting:join', { meetingId });
    const siteId = sites[0]!.siteId;
    const row = async (): Promise<AttendanceRow> =>
      (await ok(sec, 'attendance:table', {})).find((r) => r.siteId === siteId)!;
    const presence: unknown[] = [];
    sec.on('presence:updated', (p) => {
      if (p.siteId === siteId) presence.push(p);
    });

    // The lobby: a snapshot, then the connectivity check on a real send transport with a mic.
    const siteTok = (await exchangeInvite(fx.t.url, sites[0]!.inviteToken)).accessToken;
    const lobby = await sock(siteTok);
    const snap = await ok(lobby, 'meeting:join', { meetingId, lobby: true });
    expect(snap.meeting.id).toBe(meetingId);
    expect(snap.you).toMatchObject({ role: 'site', siteId });
    await ok(lobby, 'media:routerCapabilities', {});
    const tr = await ok(lobby, 'media:createTransport', { direction: 'send' });
    await ok(lobby, 'media:connectTransport', { transportId: tr.id, dtlsParameters: FAKE_DTLS });
    await ok(lobby, 'media:produce', {
      transportId: tr.id,
      kind: 'audio',
      rtpParameters: opusRtpParameters(3001),
      source: 'mic',
    });
    // Meeting actions wait for the user to enter.
    expect(await req(lobby, 'floor:request', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_MEETING' },
    });
    expect(await row()).toMatchObject({
      connected: false,
      intervals: [],
      status: 'absent_without_reason',
    });
    expect(presence).toEqual([]);

    // Leaving the lobby records nothing either.
    await ok(lobby, 'meeting:leave', {});
    expect((await row()).intervals).toEqual([]);

    // The site's live connection elsewhere is not replaced by a second lobby.
    const live = await sock(siteTok);
    await ok(live, 'meeting:join', { meetingId });
    await eventually(async () => (await row()).connected, 30_000, 'the live connection');
    expect((await row()).intervals).toHaveLength(1);
    const lobby2 = await sock(siteTok);
    await ok(lobby2, 'meeting:join', { meetingId, lobby: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(live.connected).toBe(true);

    // Entering from the lobby socket: that socket becomes the site's connection (the old one is
    // replaced, the interval continues), and its lobby media is recorded.
    const replaced = new Promise<string>((resolve) => live.once('disconnect', resolve));
    const tr2 = await ok(lobby2, 'media:createTransport', { direction: 'send' });
    await ok(lobby2, 'media:connectTransport', { transportId: tr2.id, dtlsParameters: FAKE_DTLS });
    await ok(lobby2, 'media:produce', {
      transportId: tr2.id,
      kind: 'audio',
      rtpParameters: opusRtpParameters(3002),
      source: 'mic',
    });
    const entered = await ok(lobby2, 'meeting:join', { meetingId });
    expect(entered.you.siteId).toBe(siteId);
    expect(await replaced).toBe('io server disconnect');
    await eventually(
      async () => (await row()).media.audio === 'paused',
      30_000,
      'the lobby mic recorded on entering',
    );
    const r = await row();
    expect(r).toMatchObject({ connected: true, status: 'on_time' });
    expect(r.intervals).toHaveLength(1);
    // Meeting actions are open now.
    await ok(lobby2, 'floor:request', {});
  });
});
