// A mediasoup worker dies under a meeting: the hub tells every client to renegotiate
// (`media:reset`) and the next negotiation gets a fresh room on the replacement worker.
import { SfuMediaGateway } from '@giaoban/server';
import { MediaPlane } from '@giaoban/sfu';
import { testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  eventually,
  exchangeInvite,
  ok,
  startTestHub,
  type TestHub,
  waitFor,
} from '../harness/hub';

let t: TestHub;
let plane: MediaPlane;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }));
  t = await startTestHub({
    hub: { media: new SfuMediaGateway(plane) },
    seed: { maxSites: 1, siteAccounts: 0 },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
  await plane?.close();
});

describe('worker death', () => {
  it('pushes media:reset and serves a fresh room afterwards', async () => {
    const tok = await exchangeInvite(t.url, t.seed.sites[0]!.inviteToken);
    const s = await connect(t.url, tok.accessToken);
    sockets.push(s);
    await ok(s, 'meeting:join', { meetingId: t.seed.meetingId });
    await ok(s, 'media:createTransport', { direction: 'recv' });
    const [w] = await plane.workerStats();
    const reset = waitFor(s, 'media:reset');
    process.kill(w!.pid, 'SIGKILL');
    expect(await reset).toEqual({ reason: 'workerdied' });
    await eventually(
      async () => (await plane.workerStats()).some((x) => x.pid !== w!.pid),
      60_000,
      'replacement worker',
    );
    const again = await ok(s, 'media:createTransport', { direction: 'recv' });
    expect(again.id).toEqual(expect.any(String));
  });
});
