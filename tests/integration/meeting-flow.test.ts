import { AttendanceRow, FloorState, Meeting, RollCall, Snapshot } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import {
  type ClientSocket,
  eventually,
  exchangeInvite,
  FAKE_DTLS,
  login,
  ok,
  opusRtpParameters,
  req,
  rest,
  waitFor,
} from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 4, siteAccounts: 1 }, media: true });
const { sock } = fx;

describe('a briefing end to end', () => {
  it('runs open → join → roll-call → floor → agenda → mute → adjourn → export', async () => {
    const { meetingId, people, sites } = fx.t.seed;
    const chairTok = await login(fx.t.url, people.chair.username, people.chair.password);
    const secTok = await login(fx.t.url, people.secretary.username, people.secretary.password);
    const chair = await sock(chairTok.accessToken);
    const sec = await sock(secTok.accessToken);

    const chairSnap = await ok(chair, 'meeting:join', { meetingId });
    expect(chairSnap.meeting.state).toBe('open');
    expect(chairSnap.you.role).toBe('chair');
    expect(chairSnap.sites).toHaveLength(4);
    // What the hub sends matches the shared zod schemas the client codes against.
    expect(Snapshot.safeParse(chairSnap).error).toBeUndefined();
    await ok(sec, 'meeting:join', { meetingId });

    // Sites join through their invitation links (the real browser flow).
    const siteSocks: ClientSocket[] = [];
    const siteSnaps: Snapshot[] = [];
    for (const s of sites.slice(0, 3)) {
      const tok = await exchangeInvite(fx.t.url, s.inviteToken);
      expect(tok.grant.meetingId).toBe(meetingId);
      const presence = waitFor(
        sec,
        'presence:updated',
        (p) => p.siteId === s.siteId && p.connected,
      );
      const so = await sock(tok.accessToken);
      siteSnaps.push(await ok(so, 'meeting:join', { meetingId }));
      siteSocks.push(so);
      await presence;
    }
    expect(siteSnaps[0]!.sites).toEqual([expect.objectContaining({ siteId: sites[0]!.siteId })]);
    expect(siteSnaps[0]!.attendance).toEqual([]);
    expect(Snapshot.safeParse(siteSnaps[0]).error).toBeUndefined();

    // Start the session.
    const inSession = waitFor(siteSocks[0]!, 'meeting:updated', (m) => m.state === 'in_session');
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    await inSession;

    // Roll-call: the three connected sites answer.
    const started = waitFor(siteSocks[1]!, 'rollcall:started');
    const rc = await ok(sec, 'rollcall:start', { deadlineSeconds: 120 });
    expect(rc.expectedSiteIds.sort()).toEqual(
      sites
        .slice(0, 3)
        .map((s) => s.siteId)
        .sort(),
    );
    expect((await started).id).toBe(rc.id);
    expect(RollCall.safeParse(rc).error).toBeUndefined();
    for (const [i, so] of siteSocks.entries()) {
      await ok(so, 'rollcall:answer', { rollCallId: rc.id, headcount: 10 + i });
    }
    const closed = waitFor(siteSocks[0]!, 'rollcall:closed');
    const result = await ok(sec, 'rollcall:close', { rollCallId: rc.id });
    expect(result.answers.map((a) => a.headcount).sort()).toEqual([10, 11, 12]);
    expect((await closed).closedAt).toBeDefined();

    // Media: site 0 produces a mic; without the floor the server pauses it.
    const s0 = siteSocks[0]!;
    await ok(s0, 'media:routerCapabilities', {});
    const tr = await ok(s0, 'media:createTransport', { direction: 'send' });
    await ok(s0, 'media:connectTransport', { transportId: tr.id, dtlsParameters: FAKE_DTLS });
    const produced = await ok(s0, 'media:produce', {
      transportId: tr.id,
      kind: 'audio',
      rtpParameters: opusRtpParameters(1111),
      source: 'mic',
    });
    expect(produced.paused).toBe(true);
    const room = fx.t.hub.media!.getRoom(meetingId)!;
    expect(room.listProducers().find((p) => p.id === produced.id)?.paused).toBe(true);
    const denied = await req(s0, 'media:setProducerPaused', {
      producerId: produced.id,
      paused: false,
    });
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The chair receives it: recv transport, consume (paused), resume; ICE restart on the sender.
    const caps = (await ok(chair, 'media:routerCapabilities', {})).rtpCapabilities;
    const recv = await ok(chair, 'media:createTransport', { direction: 'recv' });
    await ok(chair, 'media:connectTransport', { transportId: recv.id, dtlsParameters: FAKE_DTLS });
    const consumer = await ok(chair, 'media:consume', {
      transportId: recv.id,
      producerId: produced.id,
      rtpCapabilities: caps,
    });
    expect(consumer).toMatchObject({
      producerId: produced.id,
      kind: 'audio',
      producerPaused: true,
    });
    await ok(chair, 'media:resumeConsumer', { consumerId: consumer.id });
    const ice = await ok(s0, 'media:restartIce', { transportId: tr.id });
    expect(ice.iceParameters).toMatchObject({ usernameFragment: expect.any(String) });
    // Another peer's transport or consumer is not reachable.
    expect(await req(s0, 'media:resumeConsumer', { consumerId: consumer.id })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_ERROR' },
    });
    expect(await req(chair, 'media:restartIce', { transportId: tr.id })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_ERROR' },
    });
    const snapWithProducer = await ok(chair, 'meeting:snapshot', {});
    expect(snapWithProducer.producers).toEqual([
      expect.objectContaining({
        producerId: produced.id,
        kind: 'audio',
        source: 'mic',
        paused: true,
      }),
    ]);
    // The media node is an operator's fact (GET /api/meetings/:id), not part of the snapshot:
    // no push could keep it current in the clients' state.
    expect(snapWithProducer.meeting.mediaNode).toBeUndefined();
    expect(await fx.t.hub.store.getMediaNode(meetingId)).toBe(fx.t.hub.config.nodeId);

    // Floor: request, grant (server resumes the mic), revoke (server pauses it again).
    const floorReq = await ok(s0, 'floor:request', {});
    expect(floorReq.queue.map((q) => q.siteId)).toContain(sites[0]!.siteId);
    const allowed = waitFor(s0, 'mic:allowed', (p) => p.allowed);
    const granted = await ok(chair, 'floor:grant', { siteId: sites[0]!.siteId, limitSeconds: 120 });
    expect(granted.holder?.siteId).toBe(sites[0]!.siteId);
    expect(FloorState.safeParse(granted).error).toBeUndefined();
    expect(granted.spotlight).toEqual({ kind: 'site', siteId: sites[0]!.siteId });
    await allowed;
    await eventually(
      () => room.listProducers().find((p) => p.id === produced.id)?.paused === false,
      60_000,
      'mic resumed',
    );
    const revoked = await ok(chair, 'floor:revoke', {});
    expect(revoked.holder).toBeNull();
    await eventually(
      () => room.listProducers().find((p) => p.id === produced.id)?.paused === true,
      60_000,
      'mic paused',
    );

    // Agenda: next starts item 1 and puts its presenter sites in the floor queue.
    const m1 = await ok(chair, 'agenda:next', {});
    expect(m1.currentItemId).toBe(m1.agenda[0]!.id);
    expect(Meeting.safeParse(m1).error).toBeUndefined();
    const m2 = await ok(chair, 'agenda:next', {});
    expect(m2.currentItemId).toBe(m2.agenda[1]!.id);
    expect(m2.agenda[0]!.endedAt).toBeDefined();
    const floorNow = await ok(chair, 'meeting:snapshot', {});
    expect(floorNow.floor.queue.filter((q) => q.presenter).map((q) => q.siteId)).toEqual(
      m2.agenda[1]!.presenterSiteIds,
    );

    // Moderation: ask the floor holder to unmute (only the holder can be asked), then mute it.
    expect(await req(chair, 'moderation:askUnmute', { siteId: sites[1]!.siteId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FLOOR_HOLDER' },
    });
    await ok(chair, 'floor:grant', { siteId: sites[1]!.siteId });
    const ask = waitFor(siteSocks[1]!, 'moderation:askUnmute');
    await ok(chair, 'moderation:askUnmute', { siteId: sites[1]!.siteId });
    await ask;
    const muted = waitFor(siteSocks[1]!, 'moderation:muted');
    await ok(chair, 'moderation:mute', { siteId: sites[1]!.siteId });
    expect(await muted).toEqual({ siteId: sites[1]!.siteId });
    const all = await ok(chair, 'moderation:muteAll', {});
    expect(all.muted).toBe(3);

    // Secretary marks the absent site and notes a conclusion.
    const row = await ok(sec, 'attendance:mark', {
      siteId: sites[3]!.siteId,
      mark: 'absent_with_reason',
      absenceReason: 'Mất điện',
    });
    expect(row.status).toBe('absent_with_reason');
    expect(AttendanceRow.safeParse(row).error).toBeUndefined();
    await ok(sec, 'agenda:note', {
      itemId: m2.agenda[1]!.id,
      conclusions: 'Giao UBND các phường hoàn thành trước 30/11.',
    });

    // Adjourn.
    const adj = waitFor(siteSocks[2]!, 'meeting:updated', (m) => m.state === 'adjourned');
    await ok(chair, 'meeting:transition', { to: 'adjourned' });
    await adj;

    // Attendance table and exports.
    const table = await rest<Array<{ siteId: string; status: string; headcount?: number }>>(
      fx.t.url,
      'GET',
      `/api/meetings/${meetingId}/attendance`,
      { token: secTok.accessToken },
    );
    expect(table.status).toBe(200);
    const bySite = new Map(table.body.map((r) => [r.siteId, r]));
    expect(bySite.get(sites[0]!.siteId)).toMatchObject({ status: 'on_time', headcount: 10 });
    expect(bySite.get(sites[3]!.siteId)).toMatchObject({ status: 'absent_with_reason' });

    const csv = await rest(fx.t.url, 'GET', `/api/meetings/${meetingId}/attendance.csv`, {
      token: secTok.accessToken,
    });
    expect(csv.status).toBe(200);
    expect(Array.from(csv.bytes.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    expect(String(csv.body)).toContain(sites[0]!.name);
    const xlsx = await rest(fx.t.url, 'GET', `/api/meetings/${meetingId}/attendance.xlsx`, {
      token: secTok.accessToken,
    });
    expect(xlsx.status).toBe(200);
    expect(String.fromCharCode(...xlsx.bytes.slice(0, 2))).toBe('PK');
    const docx = await rest(fx.t.url, 'GET', `/api/meetings/${meetingId}/minutes.docx`, {
      token: secTok.accessToken,
    });
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toContain('wordprocessingml');
    const pdf = await rest(fx.t.url, 'GET', `/api/meetings/${meetingId}/minutes.pdf`, {
      token: secTok.accessToken,
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(String.fromCharCode(...pdf.bytes.slice(0, 5))).toBe('%PDF-');
    expect(pdf.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?BienBan-\d{4}-\d{2}-\d{2}(-[A-Za-z0-9-]+)?\.pdf"?$/,
    );

    // Health reports the store and the real workers; metrics count connected sites.
    const health = await rest<{ ok: boolean; store: { kind: string }; media: { workers: number } }>(
      fx.t.url,
      'GET',
      '/healthz',
    );
    expect(health.body).toMatchObject({
      ok: true,
      store: { kind: 'redis' },
      media: { workers: 1 },
    });
    const metrics = await rest<string>(fx.t.url, 'GET', '/metrics');
    expect(metrics.body).toMatch(/giaoban_connected_sites 3\b/);
    expect(metrics.body).toMatch(/giaoban_worker_cpu_seconds\{pid="\d+"\}/);

    // The event log holds every step, in order.
    const events = await rest<{ events: Array<{ seq: number; type: string }> }>(
      fx.t.url,
      'GET',
      `/api/meetings/${meetingId}/events?limit=1000`,
      { token: secTok.accessToken },
    );
    const types = events.body.events.map((e) => e.type);
    for (const ty of [
      'site.join',
      'rollcall.start',
      'rollcall.answer',
      'floor.grant',
      'floor.revoke',
      'agenda.start',
      'moderation.mute',
      'attendance.mark',
    ]) {
      expect(types).toContain(ty);
    }
    expect(events.body.events.map((e) => e.seq)).toEqual(events.body.events.map((_, i) => i + 1));
  });
});
