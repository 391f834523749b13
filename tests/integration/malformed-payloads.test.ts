// Malformed and oversized payloads for every event, floods and unknown events: each gets a typed
// error (or, above the frame limit, a closed connection) and the hub keeps serving everyone else.
import { C2S, C2S_EVENTS, LIMITS } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ClientSocket,
  connect,
  eventually,
  ok,
  req,
  rest,
  startTestHub,
  type TestHub,
} from '../harness/hub';

let t: TestHub;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestHub({
    env: { SOCKET_RATE_BURST: '10000', SOCKET_RATE_PER_SECOND: '10000' },
    seed: { maxSites: 3, siteAccounts: 0 },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function adminSocket(): Promise<ClientSocket> {
  const token = t.hub.tokens.sign('access', {
    sub: t.seed.people.admin.id,
    role: 'admin',
    name: 'Admin',
  }).token;
  const s = await connect(t.url, token);
  sockets.push(s);
  await ok(s, 'meeting:join', { meetingId: t.seed.meetingId });
  return s;
}

const BAD: Array<[string, unknown]> = [
  ['a string', 'junk'],
  ['a number', 42],
  ['null', null],
  ['an array', [1, 2, 3]],
  [
    'wrong field types',
    {
      meetingId: 5,
      itemId: {},
      siteId: [],
      to: 'nowhere',
      minutes: 'ten',
      deadlineSeconds: -1,
      transportId: 7,
      producerId: null,
      consumerId: true,
      direction: 'sideways',
      locked: 'yes',
      spotlight: 'big',
      itemIds: 'x',
      siteIds: 3,
      rollCallId: 1,
      headcount: -5,
      kind: 'smell',
      source: 'radio',
      paused: 'no',
      spatialLayer: 99,
    },
  ],
  [
    'a huge string field',
    {
      meetingId: 'x'.repeat(2_000),
      itemId: 'x'.repeat(2_000),
      siteId: 'x'.repeat(2_000),
      transportId: 'x'.repeat(2_000),
      producerId: 'x'.repeat(2_000),
      consumerId: 'x'.repeat(2_000),
      rollCallId: 'x'.repeat(2_000),
    },
  ],
];

describe('malformed payloads', () => {
  it.each(BAD)('every event answers BAD_REQUEST to %s', async (_name, payload) => {
    const s = await adminSocket();
    for (const event of C2S_EVENTS) {
      // Events whose schema is `{}` accept any object; only non-objects are malformed for them.
      // Read from the schema itself, so a new empty command needs no line here.
      const schema = C2S[event];
      const emptySchema = schema instanceof z.ZodObject && Object.keys(schema.shape).length === 0;
      if (emptySchema && typeof payload === 'object' && payload !== null && !Array.isArray(payload))
        continue;
      const r = await req(s, event, payload);
      expect(r.ok ? 'ok' : r.error.code, `${event} ← ${_name}`).toBe('BAD_REQUEST');
      if (!r.ok) expect(r.error.message.length).toBeLessThan(1000);
    }
    // Still in the meeting and answering.
    expect((await ok(s, 'meeting:snapshot', {})).meeting.id).toBe(t.seed.meetingId);
  });

  it('a frame above the size limit closes only that connection', async () => {
    const s = await adminSocket();
    const other = await adminSocket();
    const closed = new Promise<string>((resolve) =>
      s.once('disconnect', (reason) => resolve(reason)),
    );
    s.emit(
      'agenda:note',
      { itemId: 'x', notes: 'y'.repeat(LIMITS.socketMaxPayloadBytes + 1024) } as never,
      () => {},
    );
    expect(await closed).toMatch(/transport (close|error)/);
    expect((await ok(other, 'meeting:snapshot', {})).meeting.id).toBe(t.seed.meetingId);
  });

  it('requests without an ack callback and unknown events do not crash the hub', async () => {
    const s = await adminSocket();
    (s.emit as (...a: unknown[]) => void)('meeting:snapshot', {});
    (s.emit as (...a: unknown[]) => void)('attendance:mark', 'junk');
    (s.emit as (...a: unknown[]) => void)('meeting:snapshot');
    const unknown = await new Promise((resolve) =>
      (s.emit as (...a: unknown[]) => void)('no:such:event', {}, resolve),
    );
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await ok(s, 'meeting:snapshot', {})).seq).toBeGreaterThan(0);
  });

  it('answers BAD_REQUEST through the ack when the payload is missing (issue #8, defect 9)', async () => {
    const s = await adminSocket();
    for (const event of C2S_EVENTS) {
      const r = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${event}: no answer`)), 3_000);
        // `socket.emit('meeting:leave', cb)`: the callback is the only argument.
        (s.emit as (...a: unknown[]) => void)(event, (res: unknown) => {
          clearTimeout(timer);
          resolve(res);
        });
      });
      expect(r, event).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    // Nothing was done: still in the meeting.
    expect((await ok(s, 'meeting:snapshot', {})).meeting.id).toBe(t.seed.meetingId);
  });

  it('malformed REST bodies get 400, oversized ones 413', async () => {
    const token = t.hub.tokens.sign('access', {
      sub: t.seed.people.admin.id,
      role: 'admin',
      name: 'Admin',
    }).token;
    const broken = await rest<{ error: { code: string } }>(t.url, 'POST', '/api/meetings', {
      token,
      raw: '{"title": ',
    });
    expect([broken.status, broken.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    const invalid = await rest<{ error: { code: string; issues: unknown[] } }>(
      t.url,
      'POST',
      '/api/meetings',
      { token, body: { title: 5 } },
    );
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(invalid.body.error.issues.length).toBeGreaterThan(0);
    const huge = await rest<{ error: { code: string } }>(t.url, 'POST', '/api/units/import', {
      token,
      raw: JSON.stringify({ format: 'csv', csv: 'x'.repeat(t.hub.config.restBodyLimitBytes + 10) }),
    });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('rate limits', () => {
  it('a flood gets RATE_LIMITED, never a crash, and the socket recovers', async () => {
    const limited = await startTestHub({
      env: { SOCKET_RATE_BURST: '10', SOCKET_RATE_PER_SECOND: '5' },
      seed: { maxSites: 1, siteAccounts: 0 },
    });
    try {
      const token = limited.hub.tokens.sign('access', {
        sub: limited.seed.people.admin.id,
        role: 'admin',
        name: 'A',
      }).token;
      const s = await connect(limited.url, token);
      sockets.push(s);
      const results = await Promise.all(
        Array.from({ length: 60 }, () =>
          req(s, 'meeting:join', { meetingId: limited.seed.meetingId }),
        ),
      );
      const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
      expect(codes.filter((c) => c === 'ok').length).toBeGreaterThan(0);
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
      expect(codes.every((c) => c === 'ok' || c === 'RATE_LIMITED')).toBe(true);
      await eventually(
        async () => (await req(s, 'meeting:snapshot', {})).ok,
        60_000,
        'bucket refill',
      );
    } finally {
      await limited.close();
    }
  });
});
