import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/MemoryStore';
import { PlayLinks } from './PlayLinks';
import { keepUntil, RetentionSettingsStore } from './RetentionSettingsStore';

describe('keepUntil (calendar months from the filing instant)', () => {
  it('adds months, clamps to the end of a shorter month, keeps for good at 0', () => {
    expect(keepUntil('2026-01-15T08:30:00.000Z', 24)).toBe('2028-01-15T08:30:00.000Z');
    expect(keepUntil('2026-01-31T10:00:00.000Z', 1)).toBe('2026-02-28T10:00:00.000Z');
    expect(keepUntil('2027-12-31T10:00:00.000Z', 2)).toBe('2028-02-29T10:00:00.000Z');
    expect(keepUntil('2026-03-31T23:59:00.000Z', 1)).toBe('2026-04-30T23:59:00.000Z');
    expect(keepUntil('2026-03-01T00:00:00.000Z', 0)).toBeNull();
  });
});

describe('RetentionSettingsStore', () => {
  it('is the default until an admin sets a policy, audits the change, resets to the default', async () => {
    const store = new MemoryStore();
    const s = new RetentionSettingsStore(store, { recordingMonths: 24 });
    expect(await s.settings()).toMatchObject({
      policy: { recordingMonths: 24 },
      source: 'default',
    });
    const actor = { id: 'u1', role: 'admin' as const, name: 'Quản trị' };
    const set = await s.set({ recordingMonths: 60 }, { actor, at: '2026-12-03T10:00:00.000Z' });
    expect(set).toMatchObject({
      policy: { recordingMonths: 60 },
      source: 'admin',
      updatedBy: 'Quản trị',
    });
    expect(await new RetentionSettingsStore(store, { recordingMonths: 24 }).policy()).toEqual({
      recordingMonths: 60,
    });
    expect((await s.set(null, { actor, at: '2026-12-03T11:00:00.000Z' })).source).toBe('default');
    expect(
      (await store.listAudit(10)).filter((a) => a.action === 'archive.retention'),
    ).toHaveLength(2);
  });

  it('a broken saved value falls back to the default, never to removing everything', async () => {
    const store = new MemoryStore();
    await store.putMeetingDoc('#hub', 'archive.retention', '{"policy":{"recordingMonths":-3}}');
    const s = new RetentionSettingsStore(store, { recordingMonths: 24 });
    expect(await s.policy()).toEqual({ recordingMonths: 24 });
  });
});

describe('PlayLinks', () => {
  const g = {
    meetingId: 'm1',
    sha256: 'a'.repeat(64),
    sub: 'u1',
    role: 'secretary' as const,
    session: { principal: 'u1', sessionId: 'ses_1', epoch: 2, issuedAt: 999_000 },
  };
  it('verifies its own links until they expire', () => {
    let now = 1_000_000;
    const links = new PlayLinks('secret', () => now, 60_000);
    const { token, expiresAt } = links.issue(g);
    expect(Date.parse(expiresAt)).toBe(now + 60_000);
    expect(links.verify(token)).toMatchObject(g);
    now += 60_000;
    expect(() => links.verify(token)).toThrow(/expired/);
  });

  it('refuses a link of another secret, an altered payload and garbage', () => {
    const links = new PlayLinks('secret');
    const { token } = links.issue(g);
    expect(() => new PlayLinks('other').verify(token)).toThrow(/not a play link/);
    const [payload, sig] = token.split('.');
    const other = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), m: 'm2' }),
    ).toString('base64url');
    expect(() => links.verify(`${other}.${sig}`)).toThrow(/not a play link/);
    for (const bad of ['', 'x', 'a.b.c', `${payload}.`])
      expect(() => links.verify(bad)).toThrow(/not a play link/);
  });
});
