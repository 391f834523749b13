// Issue #8, defects 2 and 3, through real sockets, a real mediasoup worker and real Redis:
// removing a site ends every socket and transport of it (lobby ones included), and closing the
// meeting ends it for everyone: media stops, every socket is told, every attendance interval is
// closed, and what no longer applies answers one typed error, however often it is tried.
import type { AttendanceRow, MeetingEventEntry } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { newBriefing, people } from '../harness/briefings';
import { connect, eventually, ok, req, rest, waitFor } from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 3, siteAccounts: 0 }, media: true });

let ssrc = 7000;

describe('defect 2: a removed site keeps nothing', () => {
  it('disconnects all 20 lobby sockets of one link and the live one, and frees their transports', async () => {
    const b = await newBriefing(fx.t, { sites: 2 });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const live = await who.site(0, { mic: ssrc++ });
    const lobbies = [];
    for (let i = 0; i < 20; i++) {
      const s = await fx.sock(live.accessToken);
      await ok(s, 'meeting:join', { meetingId: b.meetingId, lobby: true });
      await ok(s, 'media:createTransport', { direction: 'recv' });
      lobbies.push(s);
    }
    const room = fx.t.hub.media!.getRoom(b.meetingId)!;
    const siteTransports = () =>
      room.describe().transports.filter((t) => t.peerId.startsWith(`site:${live.siteId}:`));
    expect(siteTransports().length).toBe(21);

    const removed = waitFor(live.s, 'moderation:removed');
    await ok(chair, 'moderation:remove', { siteId: live.siteId, reason: 'kiểm thử' });
    expect(await removed).toEqual({ siteId: live.siteId, reason: 'kiểm thử' });
    for (const s of [live.s, ...lobbies]) {
      await eventually(() => !s.connected, 10_000, 'removed socket disconnected');
    }
    await eventually(() => siteTransports().length === 0, 10_000, 'no transport left');
    expect(room.listProducers().filter((p) => p.peerId.startsWith(`site:${live.siteId}:`))).toEqual(
      [],
    );
    // The link no longer gets in, lobby or not.
    const again = await fx.sock(live.accessToken);
    for (const lobby of [true, false]) {
      expect(await req(again, 'meeting:join', { meetingId: b.meetingId, lobby })).toMatchObject({
        ok: false,
        error: { code: 'REMOVED' },
      });
    }
  });
});

describe('defect 3: closing the meeting ends it', () => {
  it('stops media, tells every socket, closes every interval, and answers one typed error', async () => {
    const b = await newBriefing(fx.t, { sites: 3 });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const sec = await who.staff('secretary');
    const a = await who.site(0, { mic: ssrc++ });
    const c = await who.site(1, { mic: ssrc++ });
    const lobby = await who.site(2, { lobby: true });
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    await ok(chair, 'floor:grant', { siteId: a.siteId });
    await ok(chair, 'meeting:transition', { to: 'adjourned' });

    const sockets = [chair, sec, a.s, c.s, lobby.s];
    const ended = sockets.map((s) => waitFor(s, 'meeting:ended', () => true, 10_000));
    const gone = waitFor(
      sec,
      'presence:updated',
      (p) => p.siteId === c.siteId && !p.connected,
      10_000,
    );
    await ok(chair, 'meeting:transition', { to: 'closed' });
    for (const e of await Promise.all(ended)) {
      expect(e).toMatchObject({ meetingId: b.meetingId, state: 'closed' });
    }
    await gone;
    // Sites are sent away; staff stay to read the record, without media.
    for (const s of [a.s, c.s, lobby.s]) {
      await eventually(() => !s.connected, 10_000, 'site socket disconnected');
    }
    await eventually(
      () => {
        const room = fx.t.hub.media!.getRoom(b.meetingId);
        return !room || room.closed;
      },
      10_000,
      'media room closed',
    );
    expect(await req(chair, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'MEETING_CLOSED' },
    });

    // Attendance: nobody connected, every interval closed.
    const tok = await who.token('secretary');
    const rows = (
      await rest<AttendanceRow[]>(fx.t.url, 'GET', `/api/meetings/${b.meetingId}/attendance`, {
        token: tok,
      })
    ).body;
    expect(rows.filter((r) => r.connected)).toEqual([]);
    for (const r of rows) for (const iv of r.intervals) expect(iv.leaveAt).toBeDefined();
    const table = await ok(sec, 'attendance:table', {});
    expect(table.filter((r) => r.connected)).toEqual([]);

    // What no longer applies: one typed error, every time, and nothing appended.
    const seq = (await ok(chair, 'meeting:snapshot', {})).seq;
    for (let i = 0; i < 2; i++) {
      for (const [ev, payload] of [
        ['moderation:muteAll', {}],
        ['moderation:lock', { locked: true }],
        ['rollcall:start', { deadlineSeconds: 30 }],
        ['floor:next', {}],
        ['agenda:next', {}],
      ] as const) {
        expect(await req(chair, ev, payload), ev).toMatchObject({
          ok: false,
          error: { code: 'MEETING_CLOSED' },
        });
      }
    }
    // Closing again is a no-op, not an error.
    expect((await ok(chair, 'meeting:transition', { to: 'closed' })).state).toBe('closed');
    // Nothing appended by the refused commands: the only entries after the close are the
    // archive's (#13 files the meeting's documents as archive.file entries, asynchronously).
    const after = await rest<{ events: MeetingEventEntry[] }>(
      fx.t.url,
      'GET',
      `/api/meetings/${b.meetingId}/events?after=${seq}`,
      { token: tok },
    );
    expect(after.status).toBe(200);
    expect(after.body.events.filter((e) => e.type !== 'archive.file')).toEqual([]);
    // The links of a closed meeting stop working (#10), saying why.
    const exchange = await rest(fx.t.url, 'POST', '/api/auth/invitation', {
      body: { token: b.sites[0]!.inviteToken },
    });
    expect(exchange.status).toBe(409);
    expect(exchange.body).toMatchObject({ error: { code: 'MEETING_CLOSED' } });
    // A site that comes back on the token it had is told the meeting is over.
    const back = await connect(fx.t.url, a.accessToken);
    try {
      expect(await req(back, 'meeting:join', { meetingId: b.meetingId })).toMatchObject({
        ok: false,
        error: { code: 'MEETING_CLOSED' },
      });
    } finally {
      back.close();
    }
    const events = await rest<{ events: MeetingEventEntry[] }>(
      fx.t.url,
      'GET',
      `/api/meetings/${b.meetingId}/events?limit=1000`,
      { token: tok },
    );
    expect(events.body.events.filter((e) => e.type !== 'archive.file').at(-1)).toMatchObject({
      type: 'state',
      data: { to: 'closed' },
    });
  });
});
