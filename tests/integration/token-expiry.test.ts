// An access token that expires while its socket is connected: the hub tells the socket with a
// typed error and disconnects it (an idle socket would otherwise keep receiving the meeting and
// keep a site "present" on a token nobody renewed). Real hub and a real redis-server.
import type { Grant } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { connect, ok, waitFor } from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 2, siteAccounts: 0 } });
const { sock } = fx;

describe('access token expiry on a live socket', () => {
  it('disconnects the socket with TOKEN_EXPIRED; a renewed token gets back in', async () => {
    const { meetingId, people, sites } = fx.t.seed;
    const site = sites[0]!;
    const grant: Grant = {
      sub: `site:${site.siteId}`,
      role: 'site',
      name: site.name,
      siteId: site.siteId,
      meetingId,
    };
    const chair = await sock(
      fx.t.hub.tokens.sign('access', { sub: people.chair.id, role: 'chair', name: 'c' }).token,
    );
    await ok(chair, 'meeting:join', { meetingId });

    // Long enough to connect and join first on a loaded machine (2 s was a race with the join).
    const short = fx.t.hub.tokens.sign('access', grant, 5);
    const s = await sock(short.token);
    await ok(s, 'meeting:join', { meetingId });
    const expired = waitFor(s, 'session:expired', () => true, 10_000);
    const reason = new Promise<string>((resolve) => s.once('disconnect', resolve));
    const left = waitFor(
      chair,
      'presence:updated',
      (p) => p.siteId === site.siteId && !p.connected,
    );
    expect(await expired).toEqual({ code: 'TOKEN_EXPIRED', message: expect.any(String) });
    expect(await reason).toBe('io server disconnect');
    // Not before the token's expiry (JWT `exp` has whole seconds).
    expect(Date.now()).toBeGreaterThanOrEqual(short.expiresAt - 1000);
    await left; // the site is no longer counted as present

    // The old token cannot come back; a renewed one can.
    await expect(connect(fx.t.url, short.token)).rejects.toMatchObject({
      message: 'TOKEN_EXPIRED',
    });
    const again = await sock(fx.t.hub.tokens.sign('access', grant).token);
    expect((await ok(again, 'meeting:join', { meetingId })).you.siteId).toBe(site.siteId);
  });
});
