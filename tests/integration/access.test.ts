// Issue #10 on one hub: the WebSocket Origin check, the failed-login delay, sessions listed and
// ended by their owner and the admin, self-service password change, account deletion, and the
// site that another browser replaced being told which device took over.
import {
  type Account,
  type AuditEntry,
  type Invitation,
  type PasswordChanged,
  ROUTES,
  type RouteSpec,
  type SessionView,
  type TokenResponse,
} from '@giaoban/shared';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  exchangeInvite,
  login,
  ok,
  req,
  rest,
  startTestHub,
  type TestHub,
  waitFor,
} from '../harness/hub';

let t: TestHub;
let admin: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestHub({ env: { PUBLIC_URL: 'https://giaoban.hanoi.gov.vn' } });
  const p = t.seed.people.admin;
  admin = (await login(t.url, p.username, p.password)).accessToken;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

function connectWithOrigin(token: string, origin: string, transport: 'websocket' | 'polling') {
  const s = io(t.url, {
    auth: { token },
    transports: [transport],
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin },
  }) as ClientSocket;
  sockets.push(s);
  return new Promise<boolean>((resolve) => {
    s.once('connect', () => resolve(true));
    s.once('connect_error', () => resolve(false));
  });
}

let n = 0;
async function account(role: Account['role'] = 'secretary') {
  const username = `ac${++n}-${role}`;
  const password = `mat-khau-${n}-dai`;
  const r = await rest<Account>(t.url, 'POST', '/api/accounts', {
    token: admin,
    body: { username, password, displayName: `Người thử ${n}`, role },
  });
  expect(r.status).toBe(200);
  return { id: r.body.id, username, password };
}

describe('access on one hub', () => {
  it('the WebSocket upgrade (and polling) checks Origin as CORS does', async () => {
    const tok = (await login(t.url, t.seed.people.chair.username, t.seed.people.chair.password))
      .accessToken;
    for (const transport of ['websocket', 'polling'] as const) {
      expect(await connectWithOrigin(tok, 'https://evil.example', transport), transport).toBe(
        false,
      );
      expect(
        await connectWithOrigin(tok, 'https://giaoban.hanoi.gov.vn', transport),
        transport,
      ).toBe(true);
    }
  });

  it('every API answer, and every auth answer first, says Cache-Control: no-store', async () => {
    const routes = (ROUTES as readonly RouteSpec[]).filter((r) => r.path.startsWith('/api/'));
    expect(routes.filter((r) => r.path.startsWith('/api/auth/')).length).toBeGreaterThan(5);
    const chair = await login(t.url, t.seed.people.chair.username, t.seed.people.chair.password);
    const ok200 = await rest(t.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: chair.refreshToken },
    });
    expect(ok200.status).toBe(200);
    expect(ok200.headers.get('cache-control')).toBe('no-store');
    // (The loop's logout ends this session: later answers are 401s, still not to be cached.)
    for (const r of routes) {
      const p = r.path.replace(/:[a-zA-Z]+/g, 'x');
      const method = r.method.toUpperCase();
      // Without a token, with a token (whatever it answers: 200, 403, 404, 400), and a bad body.
      for (const token of [undefined, chair.accessToken]) {
        const res = await rest(t.url, method, p, {
          token,
          body: method === 'GET' ? undefined : {},
        });
        expect(res.headers.get('cache-control'), `${method} ${r.path}`).toBe('no-store');
      }
    }
  });

  it('a flood of logins from one address is cut at 20 at once, with Retry-After', async () => {
    const at = (i: number) =>
      rest(t.url, 'POST', '/api/auth/login', {
        body: { username: `lu-${i}`, password: 'sai' },
        headers: { 'x-forwarded-for': '198.51.100.9' },
      });
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => at(i)));
    const cut = answers.filter((r) => r.status === 429);
    expect(cut.length).toBeGreaterThanOrEqual(1);
    for (const r of cut) {
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    }
  });

  it('failed logins: a growing delay per account, 429 with Retry-After, audited once', async () => {
    const acc = await account();
    const attempt = (password: string) =>
      rest(t.url, 'POST', '/api/auth/login', {
        body: { username: acc.username, password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password')).status).toBe(401);
    expect((await attempt('wrong-password')).status).toBe(401); // the 6th is checked, then held
    const held = await attempt(acc.password);
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('1');
    expect(held.headers.get('cache-control')).toBe('no-store');
    expect(held.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt(acc.password)).status).toBe(200);
    const audit = await rest<AuditEntry[]>(t.url, 'GET', '/api/audit', { token: admin });
    expect(
      audit.body.filter((e) => e.action === 'auth.throttled' && e.target === acc.username),
    ).toHaveLength(1);
  });

  it('failed logins from one address: delayed after 20 (TRUST_PROXY loopback believes X-Forwarded-For), audited once', async () => {
    const acc = await account();
    const from = (ip: string, username: string, password: string) =>
      rest<TokenResponse>(t.url, 'POST', '/api/auth/login', {
        body: { username, password },
        headers: { 'x-forwarded-for': ip },
      });
    // A guesser trying many usernames from one address: no account gets 6 failures. (Paced
    // under the address's flood bucket, 20 at once then 2/s, which answers 429 by itself.)
    for (let i = 0; i < 21; i++) {
      if (i === 19) await new Promise((r) => setTimeout(r, 1600));
      expect((await from('203.0.113.7', `khong-co-${i}`, 'sai')).status).toBe(401);
    }
    const held = await from('203.0.113.7', acc.username, acc.password);
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('1');
    // Another address is not held back, and its session records the forwarded address.
    const fine = await from('203.0.113.8', acc.username, acc.password);
    expect(fine.status).toBe(200);
    const mine = await rest<SessionView[]>(t.url, 'GET', '/api/auth/sessions', {
      token: fine.body.accessToken,
    });
    expect(mine.body.find((x) => x.current)?.ip).toBe('203.0.113.8');
    const audit = await rest<AuditEntry[]>(t.url, 'GET', '/api/audit', { token: admin });
    const entries = audit.body.filter(
      (e) => e.action === 'auth.throttled' && e.target === 'ip:203.0.113.7',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.detail).toMatchObject({ by: 'ip', failures: 21 });
  });

  it('the user lists and ends their sessions; the admin sees and ends them too', async () => {
    const acc = await account();
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const signIn = async (ua: string) => {
      const r = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': ua },
        body: JSON.stringify({ username: acc.username, password: acc.password }),
      });
      return (await r.json()) as TokenResponse;
    };
    const office = await signIn(chrome);
    const laptop = await signIn(
      'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
    );
    const mine = await rest<SessionView[]>(t.url, 'GET', '/api/auth/sessions', {
      token: office.accessToken,
    });
    expect(mine.headers.get('cache-control')).toBe('no-store');
    expect(mine.body.map((s) => [s.device, s.current, s.ip]).sort()).toEqual([
      ['Chrome 156 · Windows 10', true, '127.0.0.1'],
      ['Firefox 140 · Linux', false, '127.0.0.1'],
    ]);
    const laptopId = mine.body.find((s) => !s.current)!.id;
    const s = await connect(t.url, laptop.accessToken);
    sockets.push(s);
    const revoked = waitFor(s, 'session:revoked', () => true, 10_000);
    expect(
      (await rest(t.url, 'DELETE', `/api/auth/sessions/${laptopId}`, { token: office.accessToken }))
        .status,
    ).toBe(200);
    expect(await revoked).toEqual({ reason: 'revoked' });
    expect((await rest(t.url, 'GET', '/api/auth/me', { token: laptop.accessToken })).status).toBe(
      401,
    );
    // Someone else's session id is not found, whoever asks.
    const other = await login(t.url, t.seed.people.chair.username, t.seed.people.chair.password);
    expect(
      (await rest(t.url, 'DELETE', `/api/auth/sessions/${laptopId}`, { token: other.accessToken }))
        .status,
    ).toBe(404);
    // The admin's view of the account, then ending all of it.
    const seen = await rest<SessionView[]>(t.url, 'GET', `/api/accounts/${acc.id}/sessions`, {
      token: admin,
    });
    expect(seen.body.filter((x) => !x.revokedAt).map((x) => x.device)).toEqual([
      'Chrome 156 · Windows 10',
    ]);
    expect(
      (await rest(t.url, 'DELETE', `/api/accounts/${acc.id}/sessions`, { token: admin })).status,
    ).toBe(200);
    expect((await rest(t.url, 'GET', '/api/auth/me', { token: office.accessToken })).status).toBe(
      401,
    );
  });

  it('changing one’s own password ends the other browsers and keeps this one signed in', async () => {
    const acc = await account('observer');
    const here = await login(t.url, acc.username, acc.password);
    const elsewhere = await login(t.url, acc.username, acc.password);
    const hereSocket = await connect(t.url, here.accessToken);
    const elsewhereSocket = await connect(t.url, elsewhere.accessToken);
    sockets.push(hereSocket, elsewhereSocket);
    const ended = waitFor(elsewhereSocket, 'session:revoked', () => true, 10_000);
    let hereRevoked = false;
    hereSocket.on('session:revoked', () => {
      hereRevoked = true;
    });
    const wrong = await rest(t.url, 'POST', '/api/auth/password', {
      token: here.accessToken,
      body: { currentPassword: 'not-it', newPassword: 'mat-khau-moi-dai' },
    });
    expect(wrong.status).toBe(403);
    const r = await rest<PasswordChanged>(t.url, 'POST', '/api/auth/password', {
      token: here.accessToken,
      body: { currentPassword: acc.password, newPassword: 'mat-khau-moi-dai' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ endedSessions: 1 });
    // The other browser: told, disconnected, its tokens dead.
    expect(await ended).toEqual({ reason: 'password' });
    const me = (token: string) => rest(t.url, 'GET', '/api/auth/me', { token });
    expect((await me(elsewhere.accessToken)).status).toBe(401);
    const refreshOf = (refreshToken: string) =>
      rest<TokenResponse>(t.url, 'POST', '/api/auth/refresh', { body: { refreshToken } });
    expect((await refreshOf(elsewhere.refreshToken)).status).toBe(401);
    // This browser carries on: same tokens, same socket (mid-briefing nothing reconnects).
    expect((await me(here.accessToken)).status).toBe(200);
    // A command is still authorised (not UNAUTHENTICATED; this socket has joined no meeting).
    expect(await req(hereSocket, 'meeting:snapshot', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_IN_MEETING' },
    });
    expect(hereSocket.connected).toBe(true);
    expect(hereRevoked).toBe(false);
    const renewed = await refreshOf(here.refreshToken);
    expect(renewed.status).toBe(200);
    expect((await me(renewed.body.accessToken)).status).toBe(200);
    expect((await login(t.url, acc.username, 'mat-khau-moi-dai')).grant.sub).toBe(acc.id);
  });

  it('a deleted account cannot sign in, leaves the list, and its sockets are gone', async () => {
    const acc = await account();
    const tok = await login(t.url, acc.username, acc.password);
    const s = await connect(t.url, tok.accessToken);
    sockets.push(s);
    const revoked = waitFor(s, 'session:revoked', () => true, 10_000);
    expect((await rest(t.url, 'DELETE', `/api/accounts/${acc.id}`, { token: admin })).status).toBe(
      200,
    );
    expect(await revoked).toEqual({ reason: 'deleted' });
    const list = await rest<Account[]>(t.url, 'GET', '/api/accounts', { token: admin });
    expect(list.body.some((x) => x.id === acc.id)).toBe(false);
    const again = await rest(t.url, 'POST', '/api/auth/login', {
      body: { username: acc.username, password: acc.password },
    });
    expect(again.status).toBe(401);
  });

  it('a site replaced by another browser is told which device took over', async () => {
    const site = t.seed.sites[0]!;
    const first = await exchangeInvite(t.url, site.inviteToken);
    const s1 = await connect(t.url, first.accessToken);
    sockets.push(s1);
    await ok(s1, 'meeting:join', { meetingId: t.seed.meetingId });
    const displaced = waitFor(s1, 'session:displaced', () => true, 10_000);
    const r = await fetch(`${t.url}/api/auth/invitation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
      },
      body: JSON.stringify({ token: site.inviteToken }),
    });
    const second = (await r.json()) as TokenResponse;
    const s2 = (await import('socket.io-client')).io(t.url, {
      auth: { token: second.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
      },
    }) as ClientSocket;
    sockets.push(s2);
    await new Promise((res) => s2.once('connect', () => res(null)));
    await ok(s2, 'meeting:join', { meetingId: t.seed.meetingId });
    expect((await displaced).device).toBe('Firefox 140 · Linux');
  });

  it('one browser at a time: opening the link elsewhere ends the first browser’s session', async () => {
    const sec = t.seed.people.secretary;
    const secTok = (await login(t.url, sec.username, sec.password)).accessToken;
    const site = t.seed.sites[2]!;
    const links = await rest<Invitation[]>(
      t.url,
      'POST',
      `/api/meetings/${t.seed.meetingId}/invitations`,
      { token: secTok, body: { siteIds: [site.siteId], singleBrowser: true } },
    );
    expect(links.body[0]!.singleBrowser).toBe(true);
    const first = await exchangeInvite(t.url, links.body[0]!.token);
    const s1 = await connect(t.url, first.accessToken);
    sockets.push(s1);
    const revoked = waitFor(s1, 'session:revoked', () => true, 10_000);
    const r = await fetch(`${t.url}/api/auth/invitation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent':
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      },
      body: JSON.stringify({ token: links.body[0]!.token }),
    });
    expect(r.status).toBe(200);
    expect(await revoked).toEqual({
      reason: 'displaced',
      by: { device: 'Chrome 156 · Windows 10' },
    });
    const refresh = await rest(t.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });
});
