import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/Config';
import type { Revocation } from '../store/AccessStore';
import { MemoryStore } from '../store/MemoryStore';
import type { HubError } from '../util/HubError';
import { Logger } from '../util/logger';
import { factsOf, SessionService } from './SessionService';
import { TokenService } from './TokenService';

const cfg = loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef' });
const tokens = new TokenService(cfg.jwt);
const grant = { sub: 'acc_1', role: 'secretary' as const, name: 'Trần Thị Bình' };
const chrome = {
  ip: '10.0.0.7',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
};

async function make(store = new MemoryStore()) {
  const clock = { t: Date.now(), now: () => clock.t };
  const svc = new SessionService({
    store,
    tokens,
    jwt: cfg.jwt,
    clock,
    logger: new Logger('silent'),
  });
  await svc.start();
  return { svc, store, clock };
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as HubError).code ?? String(e);
  }
  return 'none';
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SessionService', () => {
  it('records the session with its browser and address', async () => {
    const { svc } = await make();
    const t = await svc.open(grant, chrome, { accountId: 'acc_1' });
    const [s] = await svc.list('acc_1');
    expect(s).toMatchObject({
      id: t.sessionId,
      principal: 'acc_1',
      accountId: 'acc_1',
      ip: '10.0.0.7',
      device: 'Chrome 156 · Windows 10',
      generation: 1,
    });
    expect(svc.verifyAccess(t.accessToken).session.sessionId).toBe(t.sessionId);
  });

  it('rotates the refresh token: each one refreshes once', async () => {
    const { svc, clock } = await make();
    const t1 = await svc.open(grant, chrome);
    clock.t += 60_000;
    const t2 = await svc.refresh(t1.refreshToken, { ...chrome, ip: '10.0.0.8' });
    expect(t2.refreshToken).not.toBe(t1.refreshToken);
    expect(t2.sessionId).toBe(t1.sessionId);
    const [s] = await svc.list('acc_1');
    expect(s).toMatchObject({ generation: 2, ip: '10.0.0.8' });
    expect(Date.parse(s!.lastUsedAt)).toBe(clock.t);
    const t3 = await svc.refresh(t2.refreshToken, chrome);
    expect(svc.verifyAccess(t3.accessToken).grant).toEqual(grant);
  });

  it('a reused refresh token revokes the whole family, including the newest tokens', async () => {
    const { svc, store } = await make();
    const t1 = await svc.open(grant, chrome);
    const t2 = await svc.refresh(t1.refreshToken, chrome);
    expect(await code(svc.refresh(t1.refreshToken, { ...chrome, ip: '203.0.113.9' }))).toBe(
      'UNAUTHENTICATED',
    );
    // The thief's replay ended the legitimate holder's session too: both must sign in again.
    expect(await code(svc.refresh(t2.refreshToken, chrome))).toBe('UNAUTHENTICATED');
    expect(await code(() => svc.verifyAccess(t2.accessToken))).toBe('UNAUTHENTICATED');
    expect((await svc.get(t1.sessionId))?.revokedReason).toBe('reuse');
    const audit = await store.listAudit(10);
    expect(audit.map((a) => a.action)).toEqual(['session.reuse']);
    expect(audit[0]!.detail).toMatchObject({ ip: '203.0.113.9', presentedGeneration: 1 });
  });

  it('two refreshes racing with the same token: one wins, the other is a reuse', async () => {
    const { svc } = await make();
    const t1 = await svc.open(grant, chrome);
    const rs = await Promise.allSettled([
      svc.refresh(t1.refreshToken, chrome),
      svc.refresh(t1.refreshToken, chrome),
    ]);
    expect(rs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await svc.get(t1.sessionId))?.revokedReason).toBe('reuse');
  });

  it('logout ends one session; the account’s other sessions keep working', async () => {
    const { svc } = await make();
    const a = await svc.open(grant, chrome);
    const b = await svc.open(grant, chrome);
    expect(await svc.end(a.sessionId, 'logout')).toBe(true);
    expect(await svc.end(a.sessionId, 'logout')).toBe(false);
    expect(await code(() => svc.verifyAccess(a.accessToken))).toBe('UNAUTHENTICATED');
    expect(await code(svc.refresh(a.refreshToken, chrome))).toBe('UNAUTHENTICATED');
    expect(svc.verifyAccess(b.accessToken).grant.sub).toBe('acc_1');
  });

  it('endAll kills every token of the principal at once; a new sign-in works', async () => {
    const { svc, store } = await make();
    const a = await svc.open(grant, chrome);
    const b = await svc.open(grant, chrome);
    const other = await svc.open({ ...grant, sub: 'acc_2' }, chrome);
    expect(
      await svc.endAll('acc_1', 'password', { id: 'acc_admin', role: 'admin', name: 'A' }),
    ).toBe(2);
    for (const t of [a, b]) {
      expect(await code(() => svc.verifyAccess(t.accessToken))).toBe('UNAUTHENTICATED');
      expect(await code(svc.refresh(t.refreshToken, chrome))).toBe('UNAUTHENTICATED');
    }
    expect(svc.verifyAccess(other.accessToken).grant.sub).toBe('acc_2');
    const fresh = await svc.open(grant, chrome);
    expect(svc.verifyAccess(fresh.accessToken).session.epoch).toBe(1);
    expect((await store.listAudit(5)).at(-1)).toMatchObject({
      action: 'session.revoke_all',
      target: 'acc_1',
      detail: { reason: 'password', sessions: 2 },
    });
  });

  it('endOthers (own password change) ends every session but the one kept, which renews', async () => {
    const { svc, store } = await make();
    const here = await svc.open(grant, chrome);
    const b = await svc.open(grant, chrome);
    const c = await svc.open(grant, chrome);
    await svc.end(c.sessionId, 'logout');
    const seen: Revocation[] = [];
    svc.onRevoked((r) => seen.push(r));
    const me = { id: 'acc_1', role: 'secretary' as const, name: grant.name };
    expect(await svc.endOthers('acc_1', here.sessionId, 'password', me)).toBe(1);
    await tick();
    expect(seen.map((r) => r.type === 'session' && [r.sessionId, r.reason])).toEqual([
      [b.sessionId, 'password'],
    ]);
    expect(await code(() => svc.verifyAccess(b.accessToken))).toBe('UNAUTHENTICATED');
    expect(await code(svc.refresh(b.refreshToken, chrome))).toBe('UNAUTHENTICATED');
    expect(svc.verifyAccess(here.accessToken).session.sessionId).toBe(here.sessionId);
    const renewed = await svc.refresh(here.refreshToken, chrome);
    expect(svc.verifyAccess(renewed.accessToken).session.sessionId).toBe(here.sessionId);
    expect((await store.listAudit(5)).at(-1)).toMatchObject({
      action: 'session.revoke_all',
      detail: { reason: 'password', sessions: 1, kept: here.sessionId },
    });
  });

  it('another process sharing the store refuses the token as soon as the message arrives', async () => {
    const store = new MemoryStore();
    const a = await make(store);
    const b = await make(store);
    const seen: Revocation[] = [];
    b.svc.onRevoked((r) => seen.push(r));
    const t = await a.svc.open(grant, chrome);
    expect(b.svc.verifyAccess(t.accessToken).grant.sub).toBe('acc_1');
    await a.svc.endAll('acc_1', 'disabled');
    await tick();
    expect(await code(() => b.svc.verifyAccess(t.accessToken))).toBe('UNAUTHENTICATED');
    expect(seen).toEqual([
      expect.objectContaining({ type: 'epoch', principal: 'acc_1', epoch: 1 }),
    ]);
    // A process started later learns it from the store.
    const c = await make(store);
    expect(await code(() => c.svc.verifyAccess(t.accessToken))).toBe('UNAUTHENTICATED');
  });

  it('a session revoked on another process is known to a process started later', async () => {
    const store = new MemoryStore();
    const a = await make(store);
    const t = await a.svc.open(grant, chrome);
    await a.svc.end(t.sessionId, 'logout');
    const c = await make(store);
    expect(await code(() => c.svc.verifyAccess(t.accessToken))).toBe('UNAUTHENTICATED');
  });

  it('a renewal check that refuses ends the session', async () => {
    const { svc } = await make();
    let disabled = false;
    svc.addRenewalCheck(async () => {
      if (disabled) throw new Error('account disabled');
    });
    const t = await svc.open(grant, chrome);
    const t2 = await svc.refresh(t.refreshToken, chrome);
    disabled = true;
    expect(await code(svc.refresh(t2.refreshToken, chrome))).toBe('Error: account disabled');
    expect((await svc.get(t.sessionId))?.revokedReason).toBe('revoked');
  });

  it('refuses refresh tokens without a session (issued before sessions existed)', async () => {
    const { svc } = await make();
    expect(await code(svc.refresh(tokens.sign('refresh', grant).token, chrome))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('SessionService: credentials derived from a session (archive play links)', () => {
  // A 30 s access token, a 15-minute play link: the link must stay refused after the access
  // token of its revoked session could no longer have been used.
  const short = loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef', ACCESS_TTL: '30' });
  async function withWindow(derivedTtlMs?: number) {
    const clock = { t: Date.now(), now: () => clock.t };
    const svc = new SessionService({
      store: new MemoryStore(),
      tokens: new TokenService(short.jwt),
      jwt: short.jwt,
      clock,
      logger: new Logger('silent'),
      ...(derivedTtlMs !== undefined ? { derivedTtlMs } : {}),
    });
    await svc.start();
    return { svc, clock };
  }

  it('remembers a revoked session as long as the longest derived credential lives', async () => {
    for (const [derivedTtlMs, stillRefused] of [
      [15 * 60_000, true],
      [undefined, false],
    ] as const) {
      const { svc, clock } = await withWindow(derivedTtlMs);
      const a = await svc.open(grant, chrome, { accountId: 'acc_1' });
      const facts = factsOf(svc.verifyAccess(a.accessToken));
      await svc.end(a.sessionId, 'logout');
      expect(svc.revocations.isRevoked(facts)).toBe(true);
      // Ten minutes on, another revocation prunes what is older than the window.
      clock.t += 10 * 60_000;
      const b = await svc.open(grant, chrome, { accountId: 'acc_1' });
      await svc.end(b.sessionId, 'logout');
      expect(svc.revocations.isRevoked(facts), String(derivedTtlMs)).toBe(stillRefused);
    }
  });
});
