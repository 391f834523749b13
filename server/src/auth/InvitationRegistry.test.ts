import type { MeetingState } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/Config';
import type { Revocation } from '../store/AccessStore';
import { MemoryStore } from '../store/MemoryStore';
import type { HubError } from '../util/HubError';
import { Logger } from '../util/logger';
import { InvitationRegistry } from './InvitationRegistry';
import { SessionService } from './SessionService';
import { TokenService } from './TokenService';

const cfg = loadConfig({ JWT_SECRET: 'unit-test-secret-0123456789abcdef' });
const tokens = new TokenService(cfg.jwt);
const secretary = { id: 'acc_sec', role: 'secretary' as const, name: 'Thư ký' };
const ua = (v: number) => `Mozilla/5.0 (X11; Linux x86_64) Chrome/${v}.0.0.0 Safari/537.36`;
const site = { siteId: '00004', siteName: 'Phường Ba Đình' };

async function make() {
  const store = new MemoryStore();
  let skew = 0;
  const clock = { now: () => Date.now() + skew };
  const later = (ms: number) => {
    skew += ms;
  };
  const sessions = new SessionService({
    store,
    tokens,
    jwt: cfg.jwt,
    clock,
    logger: new Logger('silent'),
  });
  await sessions.start();
  const states = new Map<string, MeetingState>([['mtg_1', 'open']]);
  const reg = new InvitationRegistry({
    store,
    tokens,
    sessions,
    clock,
    publicUrl: 'https://giaoban.hanoi.gov.vn',
    inviteTtlSeconds: 3600,
    meetingState: async (id) => states.get(id),
  });
  const revoked: Revocation[] = [];
  sessions.onRevoked((r) => revoked.push(r));
  return { store, sessions, reg, states, revoked, later };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as HubError).code;
  }
  return 'none';
}

describe('InvitationRegistry', () => {
  it('gives one invitation per site however often the links are asked for', async () => {
    const { reg } = await make();
    const [a] = await reg.ensure('mtg_1', [site], secretary);
    const [b] = await reg.ensure('mtg_1', [site], secretary);
    expect(b!.invitation.id).toBe(a!.invitation.id);
    expect(a!.url).toBe(`https://giaoban.hanoi.gov.vn/join/${a!.token}`);
    expect((await reg.list('mtg_1')).map((i) => i.siteId)).toEqual(['00004']);
  });

  it('records when, from where and from which browser each link was used', async () => {
    const { reg } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary);
    const t = await reg.exchange(l!.token, { ip: '10.1.1.1', userAgent: ua(156) });
    expect(t.grant).toEqual({
      sub: 'site:00004',
      role: 'site',
      name: 'Phường Ba Đình',
      siteId: '00004',
      meetingId: 'mtg_1',
    });
    await reg.exchange(l!.token, { ip: '10.1.1.2', userAgent: ua(155) });
    const [v] = await reg.list('mtg_1');
    expect(v!.uses.total).toBe(2);
    expect(v!.uses.recent.map((u) => [u.ip, u.device])).toEqual([
      ['10.1.1.2', 'Chrome 155 · Linux'],
      ['10.1.1.1', 'Chrome 156 · Linux'],
    ]);
    expect(v!.activeSessions).toBe(2);
  });

  it('a revoked link stops at once: exchange, refresh and access tokens all refused', async () => {
    const { reg, sessions, revoked } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary);
    const t = await reg.exchange(l!.token, { ip: '10.1.1.1', userAgent: ua(156) });
    const { revoked: inv, replacement } = await reg.revoke('mtg_1', l!.invitation.id, secretary);
    expect(replacement).toBeUndefined();
    expect(inv.revokedBy).toBe('acc_sec');
    expect(await code(reg.exchange(l!.token, { ip: '1.1.1.1', userAgent: '' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await code(sessions.refresh(t.refreshToken, { ip: '1', userAgent: '' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(await code(Promise.resolve().then(() => sessions.verifyAccess(t.accessToken)))).toBe(
      'UNAUTHENTICATED',
    );
    expect(revoked).toEqual([
      expect.objectContaining({ type: 'epoch', principal: `inv:${l!.invitation.id}` }),
    ]);
    expect(await code(reg.revoke('mtg_1', l!.invitation.id, secretary))).toBe('CONFLICT');
    expect(await code(reg.revoke('mtg_2', l!.invitation.id, secretary))).toBe('NOT_FOUND');
  });

  it('re-issue: the old link dies, the new one works and is what ensure hands out', async () => {
    const { reg, store } = await make();
    const [old] = await reg.ensure('mtg_1', [site], secretary, { singleBrowser: true });
    const { replacement } = await reg.revoke('mtg_1', old!.invitation.id, secretary, {
      reissue: true,
    });
    expect(replacement!.invitation).toMatchObject({ siteId: '00004', singleBrowser: true });
    expect(await code(reg.exchange(old!.token, { ip: '1', userAgent: '' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect((await reg.exchange(replacement!.token, { ip: '1', userAgent: '' })).grant.siteId).toBe(
      '00004',
    );
    const [again] = await reg.ensure('mtg_1', [site], secretary);
    expect(again!.invitation.id).toBe(replacement!.invitation.id);
    const list = await reg.list('mtg_1');
    expect(list.map((i) => [i.id, i.replacedBy])).toEqual([
      [old!.invitation.id, replacement!.invitation.id],
      [replacement!.invitation.id, undefined],
    ]);
    expect((await store.listAudit(5)).at(-1)).toMatchObject({
      action: 'invitation.reissue',
      detail: { siteId: '00004', replacement: replacement!.invitation.id },
    });
  });

  it('an expired link stops working and a fresh one is handed out in its place', async () => {
    const { reg, later } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary);
    await reg.exchange(l!.token, { ip: '10.1.1.1', userAgent: ua(156) });
    later(3600 * 1000 + 1);
    expect(await code(reg.exchange(l!.token, { ip: '10.1.1.1', userAgent: ua(156) }))).toBe(
      'UNAUTHENTICATED',
    );
    const [fresh] = await reg.ensure('mtg_1', [site], secretary);
    expect(fresh!.invitation.id).not.toBe(l!.invitation.id);
    expect(Date.parse(fresh!.invitation.expiresAt)).toBeGreaterThan(Date.now() + 3600 * 1000);
    await reg.exchange(fresh!.token, { ip: '10.1.1.1', userAgent: ua(156) });
  });

  it('links of a closed meeting stop working, refresh included', async () => {
    const { reg, sessions, states } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary);
    const t = await reg.exchange(l!.token, { ip: '1', userAgent: '' });
    states.set('mtg_1', 'closed');
    expect(await code(reg.exchange(l!.token, { ip: '1', userAgent: '' }))).toBe('MEETING_CLOSED');
    expect(await code(sessions.refresh(t.refreshToken, { ip: '1', userAgent: '' }))).toBe(
      'MEETING_CLOSED',
    );
  });

  it('one browser at a time: a new exchange ends the earlier session and names the newcomer', async () => {
    const { reg, sessions, revoked } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary, { singleBrowser: true });
    const first = await reg.exchange(l!.token, { ip: '10.0.0.1', userAgent: ua(150) });
    const second = await reg.exchange(l!.token, {
      ip: '10.0.0.2',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
    });
    expect(revoked).toEqual([
      expect.objectContaining({
        type: 'session',
        sessionId: first.sessionId,
        reason: 'displaced',
        by: { device: 'Firefox 140 · Linux' },
      }),
    ]);
    expect(await code(sessions.refresh(first.refreshToken, { ip: '1', userAgent: '' }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(sessions.verifyAccess(second.accessToken).grant.siteId).toBe('00004');
    expect((await reg.list('mtg_1'))[0]!.activeSessions).toBe(1);
  });

  it('without binding, several browsers keep their sessions (the socket layer displaces)', async () => {
    const { reg, revoked } = await make();
    const [l] = await reg.ensure('mtg_1', [site], secretary);
    await reg.exchange(l!.token, { ip: '10.0.0.1', userAgent: ua(150) });
    await reg.exchange(l!.token, { ip: '10.0.0.2', userAgent: ua(151) });
    expect(revoked).toEqual([]);
  });

  it('refuses invitation tokens that name no invitation record', async () => {
    const { reg } = await make();
    const legacy = tokens.sign('invite', {
      sub: 'site:00004',
      role: 'site',
      name: 'x',
      siteId: '00004',
      meetingId: 'mtg_1',
    }).token;
    expect(await code(reg.exchange(legacy, { ip: '1', userAgent: '' }))).toBe('UNAUTHENTICATED');
  });
});
