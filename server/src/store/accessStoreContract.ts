// The behavioural suite of AccessStore (run for MemoryStore and RedisStore from their tests).
import { expect, it } from 'vitest';
import type { AccessStore, InvitationRecord, Revocation, SessionRecord } from './AccessStore';

const H = 3_600_000;

export function session(
  id: string,
  principal: string,
  over: Partial<SessionRecord> = {},
): SessionRecord {
  const now = Date.now();
  return {
    id,
    principal,
    role: 'secretary',
    name: 'Trần Thị Bình',
    accountId: principal,
    createdAt: new Date(now).toISOString(),
    lastUsedAt: new Date(now).toISOString(),
    ip: '127.0.0.1',
    userAgent: 'Mozilla/5.0 Chrome/156',
    device: 'Chrome 156 · Linux',
    generation: 1,
    expiresAt: new Date(now + H).toISOString(),
    ...over,
  };
}

const invitation = (id: string, meetingId: string, siteId: string): InvitationRecord => ({
  id,
  meetingId,
  siteId,
  siteName: `Phường ${siteId}`,
  createdAt: new Date().toISOString(),
  createdBy: 'acc_sec',
  expiresAt: new Date(Date.now() + 24 * H).toISOString(),
  singleBrowser: false,
});

const touch = (ip = '10.0.0.2') => ({
  lastUsedAt: new Date().toISOString(),
  ip,
  userAgent: 'Mozilla/5.0 Firefox/140',
  device: 'Firefox 140 · Windows',
  expiresAt: new Date(Date.now() + 2 * H).toISOString(),
});

export function accessStoreContract(make: () => Promise<AccessStore>): void {
  it('creates, reads and lists sessions of a principal, newest first', async () => {
    const s = await make();
    await s.createSession(session('ses_a', 'acc_1', { createdAt: '2026-12-01T01:00:00.000Z' }));
    await s.createSession(session('ses_b', 'acc_1', { createdAt: '2026-12-01T02:00:00.000Z' }));
    await s.createSession(session('ses_c', 'acc_2'));
    expect(await s.getSession('ses_a')).toEqual(
      session('ses_a', 'acc_1', {
        createdAt: '2026-12-01T01:00:00.000Z',
        lastUsedAt: (await s.getSession('ses_a'))!.lastUsedAt,
        expiresAt: (await s.getSession('ses_a'))!.expiresAt,
      }),
    );
    expect((await s.listSessions('acc_1')).map((x) => x.id)).toEqual(['ses_b', 'ses_a']);
    expect(await s.getSession('nope')).toBeUndefined();
    expect(await s.listSessions('nobody')).toEqual([]);
  });

  it('rotates once per generation: the old refresh token is then stale', async () => {
    const s = await make();
    await s.createSession(session('ses_r', 'acc_1'));
    const t = touch();
    const r1 = await s.rotateSession('ses_r', 1, t);
    expect(r1.ok).toBe(true);
    if (r1.ok) expect(r1.session).toMatchObject({ generation: 2, ...t });
    const again = await s.rotateSession('ses_r', 1, touch());
    expect(again).toMatchObject({ ok: false, reason: 'stale' });
    expect((await s.rotateSession('ses_r', 2, touch())).ok).toBe(true);
    expect(await s.rotateSession('nope', 1, touch())).toEqual({ ok: false, reason: 'missing' });
  });

  it('lets exactly one of two concurrent rotations of the same token win', async () => {
    const s = await make();
    await s.createSession(session('ses_race', 'acc_1'));
    const rs = await Promise.all([1, 2, 3, 4].map(() => s.rotateSession('ses_race', 1, touch())));
    expect(rs.filter((r) => r.ok)).toHaveLength(1);
    expect(rs.filter((r) => !r.ok && r.reason === 'stale')).toHaveLength(3);
  });

  it('revokes a session once, refuses to rotate it, and remembers when', async () => {
    const s = await make();
    await s.createSession(session('ses_x', 'acc_1'));
    const at = Date.now();
    const r = await s.revokeSession('ses_x', at, 'logout');
    expect(r).toMatchObject({ id: 'ses_x', revokedReason: 'logout' });
    expect(r!.revokedAt).toBe(new Date(at).toISOString());
    expect(await s.revokeSession('ses_x', at + 5, 'revoked')).toBeUndefined();
    expect(await s.revokeSession('nope', at, 'revoked')).toBeUndefined();
    expect((await s.rotateSession('ses_x', 1, touch())).ok).toBe(false);
    expect(await s.rotateSession('ses_x', 1, touch())).toMatchObject({ reason: 'revoked' });
    expect(await s.revokedSince(at - 1)).toContainEqual({ id: 'ses_x', at });
    expect(await s.revokedSince(at + 1)).not.toContainEqual({ id: 'ses_x', at });
  });

  it('revokes every live session of a principal and no one else’s', async () => {
    const s = await make();
    await s.createSession(session('ses_1', 'acc_7'));
    await s.createSession(session('ses_2', 'acc_7'));
    await s.createSession(session('ses_3', 'acc_8'));
    await s.revokeSession('ses_2', Date.now(), 'logout');
    const done = await s.revokeSessions('acc_7', Date.now(), 'password');
    expect(done.map((x) => x.id)).toEqual(['ses_1']);
    expect((await s.getSession('ses_2'))?.revokedReason).toBe('logout');
    expect((await s.getSession('ses_3'))?.revokedAt).toBeUndefined();
  });

  it('forgets a session once its refresh token has expired', async () => {
    const s = await make();
    await s.createSession(
      session('ses_old', 'acc_9', { expiresAt: new Date(Date.now() + 30).toISOString() }),
    );
    expect(await s.getSession('ses_old')).toBeDefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(await s.getSession('ses_old')).toBeUndefined();
    expect(await s.listSessions('acc_9')).toEqual([]);
  });

  it('raises epochs per principal', async () => {
    const s = await make();
    expect(await s.getEpoch('acc_1')).toBe(0);
    expect(await s.bumpEpoch('acc_1')).toBe(1);
    expect(await s.bumpEpoch('acc_1')).toBe(2);
    expect(await s.bumpEpoch('inv:i1')).toBe(1);
    expect(await s.getEpoch('acc_1')).toBe(2);
    expect(await s.listEpochs()).toEqual(
      new Map([
        ['acc_1', 2],
        ['inv:i1', 1],
      ]),
    );
  });

  it('counts failed logins in a window that restarts after the last failure', async () => {
    const s = await make();
    const t0 = Date.now();
    // A window far longer than the test: with 200 ms, a loaded CI machine let the Redis key
    // expire between the second failure and the read (2026-12-04).
    expect(await s.noteLoginFailure('u:thuky', t0, 60_000)).toEqual({
      count: 1,
      firstAt: t0,
      lastAt: t0,
    });
    expect(await s.noteLoginFailure('u:thuky', t0 + 5, 60_000)).toEqual({
      count: 2,
      firstAt: t0,
      lastAt: t0 + 5,
    });
    expect(await s.getLoginFailures('u:thuky')).toEqual({ count: 2, firstAt: t0, lastAt: t0 + 5 });
    expect(await s.getLoginFailures('ip:1.2.3.4')).toBeUndefined();
    await s.clearLoginFailures('u:thuky');
    expect(await s.getLoginFailures('u:thuky')).toBeUndefined();
    await s.noteLoginFailure('ip:1.2.3.4', Date.now(), 30);
    await new Promise((r) => setTimeout(r, 60));
    expect(await s.getLoginFailures('ip:1.2.3.4')).toBeUndefined();
  });

  it('stores invitations per meeting in order, updates them in place', async () => {
    const s = await make();
    await s.putInvitation(invitation('inv_1', 'mtg_1', '00004'));
    await s.putInvitation(invitation('inv_2', 'mtg_1', '00008'));
    await s.putInvitation(invitation('inv_3', 'mtg_2', '00004'));
    await s.putInvitation({
      ...invitation('inv_1', 'mtg_1', '00004'),
      revokedAt: '2026-12-01T03:00:00.000Z',
      revokedBy: 'acc_sec',
      replacedBy: 'inv_4',
    });
    const list = await s.listInvitations('mtg_1');
    expect(list.map((i) => i.id)).toEqual(['inv_1', 'inv_2']);
    expect(list[0]).toMatchObject({ revokedBy: 'acc_sec', replacedBy: 'inv_4' });
    expect((await s.getInvitation('inv_3'))?.meetingId).toBe('mtg_2');
    expect(await s.getInvitation('nope')).toBeUndefined();
    expect(await s.listInvitations('mtg_none')).toEqual([]);
  });

  it('keeps the newest uses of an invitation and counts them all', async () => {
    const s = await make();
    for (let i = 0; i < 5; i++) {
      const n = await s.addInvitationUse(
        'inv_u',
        {
          at: `2026-12-01T01:0${i}:00.000Z`,
          ip: `10.0.0.${i}`,
          device: 'Chrome',
          sessionId: `s${i}`,
        },
        3,
      );
      expect(n).toBe(i + 1);
    }
    const u = await s.listInvitationUses('inv_u');
    expect(u.total).toBe(5);
    expect(u.recent.map((x) => x.sessionId)).toEqual(['s4', 's3', 's2']);
    expect(await s.listInvitationUses('nope')).toEqual({ total: 0, recent: [] });
  });

  it('delivers published revocations to every subscriber until it unsubscribes', async () => {
    const s = await make();
    const got: Revocation[][] = [[], []];
    const stops = await Promise.all(
      got.map((list) =>
        s.subscribeRevocations({ onRevocation: (r) => list.push(r), onResync: () => {} }),
      ),
    );
    const r: Revocation = {
      type: 'epoch',
      principal: 'acc_1',
      epoch: 3,
      reason: 'password',
      at: 1,
    };
    await s.publishRevocation(r);
    await until(() => got[0]!.length === 1 && got[1]!.length === 1);
    expect(got).toEqual([[r], [r]]);
    await stops[0]!();
    const r2: Revocation = {
      type: 'session',
      sessionId: 'ses_1',
      principal: 'acc_1',
      reason: 'logout',
      at: 2,
    };
    await s.publishRevocation(r2);
    await until(() => got[1]!.length === 2);
    expect(got[0]).toEqual([r]);
    expect(got[1]).toEqual([r, r2]);
    await stops[1]!();
  });
}

async function until(ok: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
