// Issue #10: access that can be taken back, on a real redis-server and two hub processes. Every
// revocation made through one process reaches the sockets and tokens held by the other within a
// second (measured from the REST answer that made it), through Redis.
import type {
  Account,
  InvitationRevoked,
  ServerToClientEvents,
  TokenResponse,
} from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientSocket, connect, exchangeInvite, login, ok, rest } from '../harness/hub';
import { type HubPair, startHubPair } from '../harness/hubPair';
import type { HubProcess } from '../harness/processes';

let pair: HubPair | undefined;
let a: HubProcess;
let b: HubProcess;
let admin: string;

beforeAll(async () => {
  pair = await startHubPair({ seedSites: 4 });
  ({ a, b } = pair);
  const p = a.seed!.people.admin;
  admin = (await login(b.url, p.username, p.password)).accessToken;
});
afterAll(async () => {
  await pair?.stop();
});

const sock = (url: string, token: string) => pair!.sock(url, token);

/** What a socket saw of its revocation: the notice and the disconnect, with their times. */
function watch(s: ClientSocket) {
  const seen: {
    revoked?: Parameters<ServerToClientEvents['session:revoked']>[0];
    revokedAt?: number;
    goneAt?: number;
    reason?: string;
  } = {};
  s.on('session:revoked', (p) => {
    seen.revoked = p;
    seen.revokedAt = Date.now();
  });
  s.on('disconnect', (reason) => {
    seen.goneAt = Date.now();
    seen.reason = reason;
  });
  return seen;
}

async function gone(seen: ReturnType<typeof watch>, since: number, ms = 1000) {
  const deadline = since + ms;
  while (seen.goneAt === undefined && Date.now() < deadline + 500) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(seen.goneAt, 'disconnected').toBeDefined();
  expect(seen.goneAt! - since, 'disconnected within 1 s').toBeLessThanOrEqual(ms);
  expect(seen.reason).toBe('io server disconnect');
}

let n = 0;
async function account(role: Account['role'] = 'secretary') {
  const username = `rv${++n}-${role}`;
  const password = `mat-khau-${n}-dai`;
  const r = await rest<Account>(a.url, 'POST', '/api/accounts', {
    token: admin,
    body: { username, password, displayName: `Người thử ${n}`, role },
  });
  expect(r.status).toBe(200);
  return { id: r.body.id, username, password };
}

const me = (url: string, token: string) => rest(url, 'GET', '/api/auth/me', { token });

describe('revocation across two hub processes on one Redis', () => {
  it('a reused refresh token revokes the whole family, on both processes', async () => {
    const acc = await account();
    const t1 = await login(a.url, acc.username, acc.password);
    const r2 = await rest<TokenResponse>(b.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: t1.refreshToken },
    });
    expect(r2.status).toBe(200);
    expect(r2.headers.get('cache-control')).toBe('no-store');
    const s = watch(await sock(a.url, r2.body.accessToken));
    // The first refresh token again (a thief's copy), on the other process.
    const reuse = await rest(a.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: t1.refreshToken },
    });
    const at = Date.now();
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('cache-control')).toBe('no-store');
    // The legitimate holder's newer tokens die with it.
    const again = await rest(b.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: r2.body.refreshToken },
    });
    expect(again.status).toBe(401);
    await gone(s, at);
    expect(s.revoked).toEqual({ reason: 'reuse' });
    expect((await me(b.url, r2.body.accessToken)).status).toBe(401);
    const audit = await rest<Array<{ action: string; target?: string }>>(
      b.url,
      'GET',
      '/api/audit',
      { token: admin },
    );
    expect(audit.body.some((e) => e.action === 'session.reuse' && e.target === acc.id)).toBe(true);
  });

  it.each([
    ['password', { password: 'mat-khau-moi-rat-dai' }],
    ['disabled', { disabled: true }],
    ['role', { role: 'observer' }],
    ['deleted', null],
  ] as const)(
    '%s: the account’s live sockets on both processes are gone within 1 s',
    async (reason, patch) => {
      const acc = await account();
      const t = await login(a.url, acc.username, acc.password);
      const other = await login(b.url, acc.username, acc.password); // a second browser
      const onA = watch(await sock(a.url, t.accessToken));
      const onB = watch(await sock(b.url, t.accessToken));
      const otherOnB = watch(await sock(b.url, other.accessToken));
      const r = patch
        ? await rest(b.url, 'PATCH', `/api/accounts/${acc.id}`, { token: admin, body: patch })
        : await rest(b.url, 'DELETE', `/api/accounts/${acc.id}`, { token: admin });
      const at = Date.now();
      expect(r.status).toBe(200);
      await Promise.all([gone(onA, at), gone(onB, at), gone(otherOnB, at)]);
      for (const s of [onA, onB, otherOnB]) expect(s.revoked).toEqual({ reason });
      // The old access token: 401 on REST on both processes, the socket handshake refused too.
      for (const url of [a.url, b.url]) {
        const r401 = await rest(url, 'GET', `/api/meetings/${a.seed!.meetingId}/attendance.csv`, {
          token: t.accessToken,
        });
        expect(r401.status).toBe(401);
        expect((await me(url, other.accessToken)).status).toBe(401);
      }
      await expect(connect(a.url, t.accessToken)).rejects.toThrow('UNAUTHENTICATED');
      const refresh = await rest(a.url, 'POST', '/api/auth/refresh', {
        body: { refreshToken: t.refreshToken },
      });
      expect(refresh.status).toBe(401);
      // What can still sign in, does, and its new token works on both processes.
      if (reason === 'disabled' || reason === 'deleted') {
        const again = await rest(b.url, 'POST', '/api/auth/login', {
          body: { username: acc.username, password: acc.password },
        });
        expect(again.status).toBe(401);
      } else {
        const pw = reason === 'password' ? 'mat-khau-moi-rat-dai' : acc.password;
        const fresh = await login(a.url, acc.username, pw);
        expect((await me(b.url, fresh.accessToken)).status).toBe(200);
      }
    },
  );

  it('a revoked invitation link: its sockets are gone within 1 s, the link answers 401', async () => {
    const seed = a.seed!;
    const sec = seed.people.secretary;
    const secTok = (await login(a.url, sec.username, sec.password)).accessToken;
    const site = seed.sites[1]!;
    const t = await exchangeInvite(a.url, site.inviteToken);
    const inMeeting = await sock(b.url, t.accessToken);
    await ok(inMeeting, 'meeting:join', { meetingId: seed.meetingId });
    const joined = watch(inMeeting);
    const idle = watch(await sock(a.url, t.accessToken));
    const list = await rest<Array<{ id: string; siteId: string; uses: { total: number } }>>(
      b.url,
      'GET',
      `/api/meetings/${seed.meetingId}/invitations`,
      { token: secTok },
    );
    const inv = list.body.find((i) => i.siteId === site.siteId)!;
    expect(inv.uses.total).toBeGreaterThanOrEqual(1);
    const r = await rest<InvitationRevoked>(
      a.url,
      'POST',
      `/api/meetings/${seed.meetingId}/invitations/${inv.id}/revoke`,
      { token: secTok, body: { reissue: true } },
    );
    const at = Date.now();
    expect(r.status).toBe(200);
    await Promise.all([gone(joined, at), gone(idle, at)]);
    expect(joined.revoked).toEqual({ reason: 'invitation_revoked' });
    for (const url of [a.url, b.url]) {
      const ex = await rest(url, 'POST', '/api/auth/invitation', {
        body: { token: site.inviteToken },
      });
      expect(ex.status).toBe(401);
      expect((await me(url, t.accessToken)).status).toBe(401);
    }
    // The re-issued link works.
    const fresh = await exchangeInvite(b.url, r.body.replacement!.token);
    expect(fresh.grant.siteId).toBe(site.siteId);
  });

  it('logout ends the session everywhere, and only that session', async () => {
    const acc = await account();
    const t = await login(a.url, acc.username, acc.password);
    const keep = await login(a.url, acc.username, acc.password);
    const onA = watch(await sock(a.url, t.accessToken));
    const onB = watch(await sock(b.url, t.accessToken));
    const kept = watch(await sock(a.url, keep.accessToken));
    const r = await rest(b.url, 'POST', '/api/auth/logout', { token: t.accessToken });
    const at = Date.now();
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    await Promise.all([gone(onA, at), gone(onB, at)]);
    expect(onA.revoked).toEqual({ reason: 'logout' });
    for (const url of [a.url, b.url]) expect((await me(url, t.accessToken)).status).toBe(401);
    expect(
      (await rest(a.url, 'POST', '/api/auth/refresh', { body: { refreshToken: t.refreshToken } }))
        .status,
    ).toBe(401);
    expect(kept.goneAt).toBeUndefined();
    expect((await me(b.url, keep.accessToken)).status).toBe(200);
    // The session list shows the ended one as ended, the other as this browser's.
    const list = await rest<Array<{ id: string; current: boolean; revokedReason?: string }>>(
      a.url,
      'GET',
      '/api/auth/sessions',
      { token: keep.accessToken },
    );
    expect(list.body.filter((s) => !s.revokedReason)).toHaveLength(1);
    expect(list.body.find((s) => s.current)?.revokedReason).toBeUndefined();
    expect(list.body.some((s) => s.revokedReason === 'logout')).toBe(true);
  });
});
