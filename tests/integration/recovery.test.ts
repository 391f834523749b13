// Connection-state recovery is on: a site whose transport drops reconnects with the same socket
// id, gets NOT_IN_MEETING until it joins again, and the attendance log shows the gap.

import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  eventually,
  exchangeInvite,
  ok,
  req,
  rest,
  startTestHub,
  type TestHub,
} from '../harness/hub';

let t: TestHub;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  t = await startTestHub({ seed: { maxSites: 2, siteAccounts: 0 } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

describe('reconnect', () => {
  it('recovers the connection, then resyncs with meeting:join', async () => {
    const { meetingId, sites } = t.seed;
    const tok = await exchangeInvite(t.url, sites[0]!.inviteToken);
    const s: ClientSocket = io(t.url, {
      auth: { token: tok.accessToken },
      transports: ['websocket'],
      reconnectionDelay: 100,
    });
    sockets.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const first = await ok(s, 'meeting:join', { meetingId });
    // Recovery needs an offset: the client must have received at least one broadcast.
    const floorPush = new Promise<void>((r) => s.once('floor:updated', () => r()));
    await ok(s, 'floor:request', {});
    await floorPush;
    const id = s.id;
    const reconnected = new Promise<void>((r) => s.io.once('reconnect', () => r()));
    // Drop the transport under the socket (what a network cut looks like to Socket.IO).
    (s.io as unknown as { engine: { close(): void } }).engine.close();
    await reconnected;
    await eventually(() => s.connected, 60_000, 'connected');
    expect(s.recovered).toBe(true);
    expect(s.id).toBe(id);
    expect(await req(s, 'meeting:snapshot', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_MEETING' },
    });
    const again = await ok(s, 'meeting:join', { meetingId });
    expect(again.seq).toBeGreaterThan(first.seq);
    const admin = t.hub.tokens.sign('access', {
      sub: t.seed.people.admin.id,
      role: 'admin',
      name: 'A',
    }).token;
    const events = await rest<{ events: Array<{ type: string; data: { siteId?: string } }> }>(
      t.url,
      'GET',
      `/api/meetings/${meetingId}/events?limit=1000`,
      { token: admin },
    );
    const mine = events.body.events
      .filter((e) => e.data.siteId === sites[0]!.siteId && e.type.startsWith('site.'))
      .map((e) => e.type);
    expect(mine).toEqual(['site.join', 'site.leave', 'site.join']);
  });

  it('a second browser for the same site replaces the first', async () => {
    const { meetingId, sites } = t.seed;
    const tok = await exchangeInvite(t.url, sites[1]!.inviteToken);
    const a = await connect(t.url, tok.accessToken);
    const b = await connect(t.url, tok.accessToken);
    sockets.push(a, b);
    await ok(a, 'meeting:join', { meetingId });
    const aGone = new Promise<string>((r) => a.once('disconnect', (reason) => r(reason)));
    await ok(b, 'meeting:join', { meetingId });
    expect(await aGone).toBe('io server disconnect');
    expect((await ok(b, 'meeting:snapshot', {})).you.siteId).toBe(sites[1]!.siteId);
    const admin = t.hub.tokens.sign('access', {
      sub: t.seed.people.admin.id,
      role: 'admin',
      name: 'A',
    }).token;
    const rows = await rest<Array<{ siteId: string; connected: boolean; intervals: unknown[] }>>(
      t.url,
      'GET',
      `/api/meetings/${meetingId}/attendance`,
      { token: admin },
    );
    expect(rows.body.find((r) => r.siteId === sites[1]!.siteId)).toMatchObject({
      connected: true,
      intervals: [expect.anything()],
    });
  });
});
