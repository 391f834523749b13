// Issue #8, defect 1: a site's microphone must never outlive its floor. Real hub, real Redis,
// a real mediasoup worker: after grant → mute all → ask-to-unmute, the mic stays closed until the
// site accepts, and once open it is closed again on the SFU, in the site's own state, in the
// staff's views and against the site's own resume, on every path that ends the floor (revoke,
// expiry, next, adjourn, close, reconnect, leave, remove). Ask-to-unmute is only for the holder.
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { type Briefing, newBriefing, people, type SitePeer, sendMic } from '../harness/briefings';
import { type ClientSocket, eventually, ok, req, waitFor } from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 3, siteAccounts: 0 }, media: true });

interface Ctx {
  b: Briefing;
  chair: ClientSocket;
  sec: ClientSocket;
  a: SitePeer;
  who: ReturnType<typeof people>;
  paused(producerId: string): boolean | undefined;
}

let ssrc = 5000;

/** A holds the floor, the chair muted everyone, asked A to unmute and A accepted: A is live. */
async function openedByAsk(limitSeconds?: number): Promise<Ctx> {
  const b = await newBriefing(fx.t, { sites: 3 });
  const who = people(fx.t, b, fx.sock);
  const chair = await who.staff('chair');
  const sec = await who.staff('secretary');
  const a = await who.site(0, { mic: ssrc++ });
  expect(a.startedPaused).toBe(true);
  await ok(chair, 'meeting:transition', { to: 'in_session' });
  const room = fx.t.hub.media!.getRoom(b.meetingId)!;
  const paused = (id: string) => room.listProducers().find((p) => p.id === id)?.paused;
  await ok(chair, 'floor:grant', {
    siteId: a.siteId,
    ...(limitSeconds ? { limitSeconds } : {}),
  });
  await eventually(() => paused(a.producerId!) === false, 30_000, 'holder mic live after grant');
  await ok(chair, 'moderation:muteAll', {});
  await eventually(() => paused(a.producerId!) === true, 30_000, 'holder mic paused by mute all');

  // Ask-to-unmute only asks: nothing opens until the site accepts.
  const asked = waitFor(a.s, 'moderation:askUnmute');
  await ok(chair, 'moderation:askUnmute', { siteId: a.siteId });
  await asked;
  await new Promise((r) => setTimeout(r, 300));
  expect(paused(a.producerId!)).toBe(true);
  const before = await ok(a.s, 'meeting:snapshot', {});
  expect(before.you.micAllowed).toBe(false);
  expect(before.you.mic).toEqual({ allowed: false, muted: true, unmute: 'requested' });
  expect(
    await req(a.s, 'media:setProducerPaused', { producerId: a.producerId!, paused: false }),
  ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

  const allowed = waitFor(a.s, 'mic:allowed', (p) => p.allowed);
  expect(await ok(a.s, 'mic:acceptUnmute', {})).toEqual({
    allowed: true,
    muted: true,
    unmute: 'accepted',
  });
  await allowed;
  await eventually(() => paused(a.producerId!) === false, 30_000, 'mic live after accept');
  return { b, chair, sec, a, who, paused };
}

/** Nothing lets A's audio through any more, whatever it or anyone else looks at. */
async function expectClosed(c: Ctx, producerId: string | undefined, connected: boolean) {
  if (producerId) {
    await eventually(
      () => c.paused(producerId) !== false,
      30_000,
      'site mic paused or closed on the SFU',
    );
  }
  if (connected) {
    const snap = await ok(c.a.s, 'meeting:snapshot', {});
    expect(snap.you.micAllowed).toBe(false);
    expect(snap.you.mic?.allowed).toBe(false);
    if (producerId) {
      expect(
        await req(c.a.s, 'media:setProducerPaused', { producerId, paused: false }),
      ).toMatchObject({ ok: false });
      expect(c.paused(producerId)).toBe(true);
    }
  }
  // The chair's and the secretary's boards agree (table and their own snapshots).
  for (const staff of [c.chair, c.sec]) {
    const table = await ok(staff, 'attendance:table', {});
    expect(table.find((r) => r.siteId === c.a.siteId)?.micAllowed).toBe(false);
    const row = (await ok(staff, 'meeting:snapshot', {})).attendance?.find(
      (r) => r.siteId === c.a.siteId,
    );
    expect(row?.micAllowed ?? false).toBe(false);
  }
}

describe('defect 1: the floor and nothing else opens a site microphone', () => {
  it('refuses ask-to-unmute on a site without the floor (the chair gives the floor instead)', async () => {
    const b = await newBriefing(fx.t, { sites: 2 });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const a = await who.site(0, { mic: ssrc++ });
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    expect(await req(chair, 'moderation:askUnmute', { siteId: a.siteId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FLOOR_HOLDER' },
    });
    const snap = await ok(a.s, 'meeting:snapshot', {});
    expect(snap.you.micAllowed).toBe(false);
    expect(
      fx.t.hub
        .media!.getRoom(b.meetingId)!
        .listProducers()
        .find((p) => p.id === a.producerId)?.paused,
    ).toBe(true);
    // Accepting an unmute nobody asked for is refused too.
    expect(await req(a.s, 'mic:acceptUnmute', {})).toMatchObject({ ok: false });
  });

  it('closes the mic when the chair revokes the floor', async () => {
    const c = await openedByAsk();
    await ok(c.chair, 'floor:revoke', {});
    await expectClosed(c, c.a.producerId, true);
  });

  it('closes the mic when the speaking time expires', async () => {
    const c = await openedByAsk(2);
    await waitFor(c.a.s, 'floor:warning', (p) => p.secondsLeft === 0, 10_000);
    await expectClosed(c, c.a.producerId, true);
  });

  it('closes the mic when the chair moves to the next speaker', async () => {
    const c = await openedByAsk();
    const next = await c.who.site(1, { mic: ssrc++ });
    await ok(next.s, 'floor:request', {});
    await ok(c.chair, 'floor:next', {});
    await expectClosed(c, c.a.producerId, true);
    await eventually(() => c.paused(next.producerId!) === false, 30_000, 'next speaker live');
  });

  it('closes the mic when the meeting is adjourned, and keeps everything closed after close', async () => {
    const c = await openedByAsk();
    await ok(c.chair, 'meeting:transition', { to: 'adjourned' });
    await expectClosed(c, c.a.producerId, true);
    await ok(c.chair, 'meeting:transition', { to: 'closed' });
    await eventually(() => c.paused(c.a.producerId!) !== false, 30_000, 'no live mic after close');
  });

  it('does not carry the permission over a reconnect', async () => {
    const c = await openedByAsk();
    c.a.s.disconnect();
    const again = await c.who.site(0, { mic: ssrc++ });
    // Still the holder, still muted by the chair: it must be asked (and accept) again.
    expect(again.startedPaused).toBe(true);
    const snap = await ok(again.s, 'meeting:snapshot', {});
    expect(snap.floor.holder?.siteId).toBe(c.a.siteId);
    expect(snap.you.mic).toEqual({ allowed: false, muted: true, unmute: 'none' });
    await expectClosed({ ...c, a: again }, again.producerId, true);
  });

  it('does not carry the permission over a leave and a new join', async () => {
    const c = await openedByAsk();
    await ok(c.a.s, 'meeting:leave', {});
    await ok(c.a.s, 'meeting:join', { meetingId: c.b.meetingId });
    const mic = await sendMic(c.a.s, ssrc++);
    expect(mic.paused).toBe(true);
    await expectClosed(c, mic.producerId, true);
  });

  it('closes the mic when the chair mutes the holder again (the acceptance ends with a mute)', async () => {
    const c = await openedByAsk();
    await ok(c.chair, 'moderation:mute', { siteId: c.a.siteId });
    await expectClosed(c, c.a.producerId, true);
  });

  it('closes the mic (and the site) when the site is removed', async () => {
    const c = await openedByAsk();
    await ok(c.chair, 'moderation:remove', { siteId: c.a.siteId });
    await expectClosed(c, c.a.producerId, false);
  });
});
