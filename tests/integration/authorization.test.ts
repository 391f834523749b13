// Authorisation matrix: every socket event and every REST route × every role, plus a token for
// another meeting, an expired token, a wrong signature and `alg: none`.
import {
  C2S_EVENTS,
  type C2SEventName,
  EVENT_ROLES,
  type Grant,
  ROUTES,
  type Role,
} from '@giaoban/shared';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  ok,
  req,
  rest,
  startTestHub,
  TEST_SECRET,
  type TestHub,
} from '../harness/hub';

let t: TestHub;
let otherMeetingId: string;
let otherChairId: string;
/** A ward of Hà Nội that is not invited to the seeded meeting. */
let outsiderSite: string;
const opts = { algorithm: 'HS256' as const, issuer: 'giaoban', audience: 'giaoban', subject: 'x' };
const claims = { typ: 'access', role: 'admin', name: 'x' };
const sockets: ClientSocket[] = [];
const ROLES: Role[] = ['admin', 'chair', 'secretary', 'site', 'observer'];

function grantFor(role: Role, meetingId?: string): Grant {
  const p = t.seed.people;
  const site = t.seed.sites[0]!;
  const g: Grant =
    role === 'site'
      ? { sub: `site:${site.siteId}`, role, name: site.name, siteId: site.siteId }
      : { sub: p[role].id, role, name: p[role].name };
  if (meetingId) g.meetingId = meetingId;
  return g;
}
const tokenFor = (role: Role, meetingId?: string) =>
  t.hub.tokens.sign('access', grantFor(role, meetingId)).token;

beforeAll(async () => {
  t = await startTestHub({
    env: { SOCKET_RATE_BURST: '10000', SOCKET_RATE_PER_SECOND: '10000' },
    seed: { maxSites: 4, siteAccounts: 0 },
  });
  const admin = tokenFor('admin');
  const chair2 = await rest<{ id: string }>(t.url, 'POST', '/api/accounts', {
    token: admin,
    body: {
      username: 'chutri2',
      password: 'another-chair-pw',
      displayName: 'Chủ trì khác',
      role: 'chair',
    },
  });
  expect(chair2.status).toBe(200);
  otherChairId = chair2.body.id;
  const units = await rest<Array<{ code: string }>>(t.url, 'GET', '/api/units?parentCode=01', {
    token: admin,
  });
  const invited = new Set(t.seed.sites.map((x) => x.siteId));
  outsiderSite = units.body.find((u) => !invited.has(u.code))!.code;
  const m2 = await rest<{ id: string }>(t.url, 'POST', '/api/meetings', {
    token: admin,
    body: {
      title: 'Cuộc họp khác',
      scheduledStart: new Date().toISOString(),
      chairId: otherChairId,
      secretaryId: t.seed.people.secretary.id,
      siteIds: [outsiderSite],
    },
  });
  expect(m2.status).toBe(201);
  otherMeetingId = m2.body.id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

function samplePayload(
  event: C2SEventName,
  ctx: { meetingId: string; itemIds: string[] },
): unknown {
  const sites = t.seed.sites;
  const samples: Record<C2SEventName, unknown> = {
    'meeting:join': { meetingId: ctx.meetingId },
    'meeting:leave': {},
    'meeting:snapshot': {},
    'meeting:transition': { to: 'draft' },
    'agenda:start': { itemId: ctx.itemIds[0] },
    'agenda:next': {},
    'agenda:extend': { minutes: 1 },
    'agenda:reorder': { itemIds: ctx.itemIds },
    'agenda:note': { itemId: ctx.itemIds[0], notes: 'ghi chú' },
    'floor:request': {},
    'floor:cancel': {},
    'floor:decline': { siteId: sites[1]!.siteId },
    'floor:reorder': { siteIds: [] },
    'floor:grant': { siteId: sites[1]!.siteId },
    'floor:revoke': {},
    'floor:next': {},
    'floor:spotlight': { spotlight: null },
    'moderation:mute': { siteId: sites[1]!.siteId },
    'moderation:muteAll': {},
    'moderation:askUnmute': { siteId: sites[2]!.siteId },
    'mic:acceptUnmute': {},
    'moderation:remove': { siteId: '99999' },
    'moderation:lock': { locked: false },
    'recording:set': { on: false },
    'attendance:table': {},
    'attendance:mark': { siteId: sites[3]!.siteId, note: 'ghi chú' },
    'rollcall:start': { deadlineSeconds: 60 },
    'rollcall:answer': { rollCallId: 'rc_none', headcount: 1 },
    'rollcall:close': { rollCallId: 'rc_none' },
    'briefing:get': {},
    'vote:open': { question: 'Thông qua kết luận?' },
    'vote:answer': { voteId: 'v_none', option: 0 },
    'vote:close': { voteId: 'v_none' },
    'opinion:send': { text: 'Ý kiến' },
    'opinion:read': { opinionId: 'o_none' },
    'notice:set': { text: 'Thông báo' },
    'document:present': { docId: null },
    'media:routerCapabilities': {},
    'media:createTransport': { direction: 'recv' },
    'media:connectTransport': {
      transportId: 't1',
      dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
    },
    'media:restartIce': { transportId: 't1' },
    'media:produce': {
      transportId: 't1',
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus' }] },
      source: 'mic',
    },
    'media:closeProducer': { producerId: 'p1' },
    'media:setProducerPaused': { producerId: 'p1', paused: true },
    'media:consume': { transportId: 't1', producerId: 'p1', rtpCapabilities: {} },
    'media:resumeConsumer': { consumerId: 'c1' },
    'media:pauseConsumer': { consumerId: 'c1' },
    'media:setPreferredLayers': { consumerId: 'c1', spatialLayer: 0 },
  };
  return samples[event];
}

describe('socket events × roles', () => {
  it.each(ROLES)(
    '%s: allowed events pass authorisation, the others get FORBIDDEN',
    async (role) => {
      const s = await connect(t.url, tokenFor(role));
      sockets.push(s);
      const meetingId = t.seed.meetingId;
      const snap = await ok(s, 'meeting:join', { meetingId });
      const ctx = { meetingId, itemIds: snap.meeting.agenda.map((a) => a.id) };
      const events = C2S_EVENTS.filter((e) => e !== 'meeting:join' && e !== 'meeting:leave');
      for (const event of [...events, 'meeting:leave' as const]) {
        const r = await req(s, event, samplePayload(event, ctx));
        const allowed = EVENT_ROLES[event].includes(role);
        if (allowed) {
          expect(r.ok ? 'ok' : r.error.code, `${role} ${event}`).not.toMatch(
            /^(FORBIDDEN|NOT_IN_MEETING|BAD_REQUEST|UNAUTHENTICATED)$/,
          );
        } else {
          expect(r.ok ? 'ok' : r.error.code, `${role} ${event}`).toBe('FORBIDDEN');
        }
      }
      s.close();
    },
  );

  it('every event before meeting:join answers NOT_IN_MEETING (or FORBIDDEN for the role)', async () => {
    const s = await connect(t.url, tokenFor('admin'));
    sockets.push(s);
    for (const event of C2S_EVENTS.filter((e) => e !== 'meeting:join')) {
      const r = await req(
        s,
        event,
        samplePayload(event, { meetingId: t.seed.meetingId, itemIds: ['x'] }),
      );
      expect(r.ok ? 'ok' : r.error.code, event).toBe(
        EVENT_ROLES[event].includes('admin') ? 'NOT_IN_MEETING' : 'FORBIDDEN',
      );
    }
    s.close();
  });

  it("a token for another meeting, or another meeting's chair, can do nothing here", async () => {
    const scoped = await connect(t.url, tokenFor('site', otherMeetingId));
    sockets.push(scoped);
    expect(await req(scoped, 'meeting:join', { meetingId: t.seed.meetingId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const chair2 = await connect(
      t.url,
      t.hub.tokens.sign('access', { sub: otherChairId, role: 'chair', name: 'x' }).token,
    );
    sockets.push(chair2);
    expect(await req(chair2, 'meeting:join', { meetingId: t.seed.meetingId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // ...and since it could not join, every other event is refused too.
    for (const event of C2S_EVENTS.filter((e) => e !== 'meeting:join')) {
      const r = await req(
        chair2,
        event,
        samplePayload(event, { meetingId: t.seed.meetingId, itemIds: ['x'] }),
      );
      expect(r.ok, event).toBe(false);
    }
    // A site not invited to this meeting.
    const outsider = await connect(
      t.url,
      t.hub.tokens.sign('access', { sub: 'site:x', role: 'site', name: 'x', siteId: outsiderSite })
        .token,
    );
    sockets.push(outsider);
    expect(await req(outsider, 'meeting:join', { meetingId: t.seed.meetingId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['no token', '', 'UNAUTHENTICATED'],
    ['expired', () => jwt.sign(claims, TEST_SECRET, { ...opts, expiresIn: -5 }), 'TOKEN_EXPIRED'],
    [
      'wrong signature',
      () => jwt.sign(claims, 'not-the-secret-0123456789', { ...opts, expiresIn: 60 }),
      'UNAUTHENTICATED',
    ],
    [
      'alg none',
      () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'x', iss: 'giaoban', aud: 'giaoban', exp: Math.floor(Date.now() / 1000) + 60 })}.`,
      'UNAUTHENTICATED',
    ],
    [
      'refresh token as access',
      () => t.hub.tokens.sign('refresh', grantFor('admin')).token,
      'UNAUTHENTICATED',
    ],
    [
      'invitation as access',
      () => t.hub.tokens.sign('invite', grantFor('site', t.seed.meetingId)).token,
      'UNAUTHENTICATED',
    ],
  ] as const)('socket handshake with %s is refused (%s)', async (_name, tok, code) => {
    const token = typeof tok === 'function' ? tok() : tok;
    await expect(connect(t.url, token)).rejects.toThrow(code);
  });
});

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

describe('REST routes × roles', () => {
  const privateRoutes = ROUTES.filter((r) => r.roles !== 'public');
  const pathOf = (p: string) =>
    p.replace(':id', p.startsWith('/api/meetings') ? t.seed.meetingId : 'nope');

  it.each(ROLES)('%s: allowed routes pass authorisation, the others get 403', async (role) => {
    const token = tokenFor(role);
    for (const r of privateRoutes) {
      const res = await rest<{ error?: { code: string } }>(
        t.url,
        r.method.toUpperCase(),
        pathOf(r.path),
        {
          token,
          ...(r.method === 'get' || r.method === 'delete' ? {} : { body: {} }),
        },
      );
      const allowed = (r.roles as readonly Role[]).includes(role);
      if (allowed)
        expect([401, 403], `${role} ${r.method} ${r.path} → ${res.status}`).not.toContain(
          res.status,
        );
      else {
        expect(res.status, `${role} ${r.method} ${r.path}`).toBe(403);
        expect(res.body.error?.code).toBe('FORBIDDEN');
      }
    }
  });

  it('without a token, with an expired or forged one: 401 everywhere', async () => {
    const expired = jwt.sign(claims, TEST_SECRET, { ...opts, expiresIn: -5 });
    const forged = jwt.sign(claims, 'not-the-secret-0123456789', { ...opts, expiresIn: 60 });
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'x', iss: 'giaoban', aud: 'giaoban', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    for (const r of privateRoutes) {
      for (const [token, code] of [
        [undefined, 'UNAUTHENTICATED'],
        [expired, 'TOKEN_EXPIRED'],
        [forged, 'UNAUTHENTICATED'],
        [none, 'UNAUTHENTICATED'],
      ] as const) {
        const res = await rest<{ error: { code: string } }>(
          t.url,
          r.method.toUpperCase(),
          pathOf(r.path),
          token ? { token } : {},
        );
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        expect(res.body.error.code).toBe(code);
      }
    }
  });

  it("a site's invitation-scoped token cannot read another meeting", async () => {
    const token = tokenFor('site', otherMeetingId);
    const res = await rest(t.url, 'GET', `/api/meetings/${t.seed.meetingId}`, { token });
    expect(res.status).toBe(403);
    const list = await rest<Array<{ id: string }>>(t.url, 'GET', '/api/meetings', { token });
    expect(list.body.map((m) => m.id)).not.toContain(t.seed.meetingId);
    const chair2 = t.hub.tokens.sign('access', {
      sub: otherChairId,
      role: 'chair',
      name: 'x',
    }).token;
    expect(
      (
        await rest(t.url, 'GET', `/api/meetings/${t.seed.meetingId}/attendance.csv`, {
          token: chair2,
        })
      ).status,
    ).toBe(403);
  });
});
