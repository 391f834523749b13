// A chair's mute while a site holds the floor (real hub, real mediasoup worker, real Redis): the
// hub pauses the holder's microphone and tells it it may not talk, the holder cannot reopen it,
// it keeps the floor, and only the chair opens it again (a new grant, or an ask to unmute the
// holder accepts). A fresh fold of the Redis log (a restart) agrees.
import { MeetingService } from '@giaoban/server';
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
  waitFor,
} from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 3, siteAccounts: 0 }, media: true });
const { sock } = fx;

/** A site that joined and sends a (paused, without the floor) microphone. */
async function siteWithMic(i: number, ssrc: number) {
  const { meetingId, sites } = fx.t.seed;
  const siteId = sites[i]!.siteId;
  const s = await sock((await exchangeInvite(fx.t.url, sites[i]!.inviteToken)).accessToken);
  await ok(s, 'meeting:join', { meetingId });
  await ok(s, 'media:routerCapabilities', {});
  const tr = await ok(s, 'media:createTransport', { direction: 'send' });
  await ok(s, 'media:connectTransport', { transportId: tr.id, dtlsParameters: FAKE_DTLS });
  const mic = await ok(s, 'media:produce', {
    transportId: tr.id,
    kind: 'audio',
    rtpParameters: opusRtpParameters(ssrc),
    source: 'mic',
  });
  expect(mic.paused).toBe(true);
  return { s, siteId, producerId: mic.id };
}

describe('mute while a site holds the floor', () => {
  it('closes the holder mic until the chair asks it to unmute or grants the floor again', async () => {
    const { meetingId, people } = fx.t.seed;
    const chair = await sock(
      (await login(fx.t.url, people.chair.username, people.chair.password)).accessToken,
    );
    await ok(chair, 'meeting:join', { meetingId });
    const a = await siteWithMic(0, 2001);
    const b = await siteWithMic(1, 2002);
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    const room = fx.t.hub.media!.getRoom(meetingId)!;
    const paused = (id: string) => room.listProducers().find((p) => p.id === id)?.paused;

    // A gets the floor: the hub resumes its mic and allows it.
    let allowed = waitFor(a.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'floor:grant', { siteId: a.siteId });
    await allowed;
    await eventually(() => paused(a.producerId) === false, 30_000, 'holder mic resumed');

    // Mute all: paused on the server, and the holder is told it may not talk.
    const denied = waitFor(a.s, 'mic:allowed', (p) => !p.allowed);
    const pausedPush = waitFor(
      chair,
      'media:producerPaused',
      (p) => p.producerId === a.producerId && p.paused,
    );
    const chairPresence = waitFor(
      chair,
      'presence:updated',
      (p) => p.siteId === a.siteId && !p.micAllowed,
    );
    await ok(chair, 'moderation:muteAll', {});
    expect(await denied).toEqual({ siteId: a.siteId, allowed: false, muted: true, unmute: 'none' });
    await pausedPush;
    await chairPresence;
    expect(paused(a.producerId)).toBe(true);
    // The holder keeps the floor (and the spotlight) but cannot reopen its mic by itself.
    const snap = await ok(a.s, 'meeting:snapshot', {});
    expect(snap.floor.holder?.siteId).toBe(a.siteId);
    expect(snap.floor.spotlight).toEqual({ kind: 'site', siteId: a.siteId });
    expect(snap.you.micAllowed).toBe(false);
    expect(
      await req(a.s, 'media:setProducerPaused', { producerId: a.producerId, paused: false }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(paused(a.producerId)).toBe(true);

    // A restart folds the same state from the Redis log.
    const fresh = new MeetingService(fx.t.hub.store, { now: () => Date.now() });
    expect(await fresh.read(meetingId, (p) => [p.holder?.siteId, p.micAllowed(a.siteId)])).toEqual([
      a.siteId,
      false,
    ]);

    // The chair asks the holder to unmute; once it accepts it may talk again and resumes its mic.
    allowed = waitFor(a.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'moderation:askUnmute', { siteId: a.siteId });
    await ok(a.s, 'mic:acceptUnmute', {});
    await allowed;
    expect(
      await ok(a.s, 'media:setProducerPaused', { producerId: a.producerId, paused: false }),
    ).toEqual({ paused: false });
    expect(paused(a.producerId)).toBe(false);

    // An individual mute does the same; a grant to B moves the floor (A is told it lost its
    // permission), and a new grant to A reopens A's mic.
    await ok(chair, 'moderation:mute', { siteId: a.siteId });
    await eventually(() => paused(a.producerId) === true, 30_000, 'holder mic paused by mute');
    expect((await ok(a.s, 'meeting:snapshot', {})).you.micAllowed).toBe(false);
    await ok(chair, 'moderation:askUnmute', { siteId: a.siteId });
    await ok(a.s, 'mic:acceptUnmute', {});
    await ok(a.s, 'media:setProducerPaused', { producerId: a.producerId, paused: false });
    const aLoses = waitFor(a.s, 'mic:allowed', (p) => !p.allowed);
    await ok(chair, 'moderation:mute', { siteId: a.siteId });
    await aLoses;
    const bAllowed = waitFor(b.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'floor:grant', { siteId: b.siteId });
    await bAllowed;
    await eventually(() => paused(b.producerId) === false, 30_000, 'new holder mic resumed');
    expect(paused(a.producerId)).toBe(true);
    allowed = waitFor(a.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'floor:grant', { siteId: a.siteId });
    await allowed;
    await eventually(() => paused(a.producerId) === false, 30_000, 'regranted mic resumed');
  });

  it('tells a holder that loses the floor to another site that its mic is closed', async () => {
    const { meetingId, people } = fx.t.seed;
    const chair = await sock(
      (await login(fx.t.url, people.chair.username, people.chair.password)).accessToken,
    );
    await ok(chair, 'meeting:join', { meetingId });
    const c = await siteWithMic(2, 2003);
    const snap = await ok(chair, 'meeting:snapshot', {});
    const other = snap.attendance.find((r) => r.connected && r.siteId !== c.siteId)!.siteId;
    let allowed = waitFor(c.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'floor:grant', { siteId: c.siteId });
    await allowed;
    const lost = waitFor(c.s, 'mic:allowed', (p) => !p.allowed);
    await ok(chair, 'floor:grant', { siteId: other });
    expect(await lost).toEqual({ siteId: c.siteId, allowed: false, muted: false, unmute: 'none' });
    allowed = waitFor(c.s, 'mic:allowed', (p) => p.allowed);
    await ok(chair, 'floor:grant', { siteId: c.siteId });
    await allowed;
  });
});
