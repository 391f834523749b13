/**
 * Who may reach a meeting's archive, and for how long (issue #13), on a real hub over REST (no
 * media): the player's signed link follows the session that asked for it — signed out, ended by
 * an admin, or the account's role taken away, the next Range request is refused with
 * ACCESS_REVOKED while a link of a live session still plays — and the retention hold: the
 * meeting's secretary or an admin puts it on and takes it off with a zod-checked reason, each
 * time a line of the meeting's log; the chair, a ward site and an observer are refused.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  Account,
  ArchiveListing,
  ArchivePlayLink,
  ErrorBody,
  MeetingEventEntry,
  SessionView,
} from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBriefing } from '../harness/briefings';
import {
  eventually,
  exchangeInvite,
  login,
  rest,
  startTestHub,
  type TestHub,
} from '../harness/hub';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-archive-access-'));
let t: TestHub;
let admin = '';

beforeAll(async () => {
  t = await startTestHub({
    env: {
      FILES_DIR: path.join(dir, 'files'),
      ARCHIVE_DIR: path.join(dir, 'archive'),
      LOG_LEVEL: 'error',
    },
    seed: { maxSites: 3, siteAccounts: 1 },
  });
  admin = (await login(t.url, t.seed.people.admin.username, t.seed.people.admin.password))
    .accessToken;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const as = async (role: 'chair' | 'secretary' | 'observer') => {
  const p = t.seed.people[role];
  return login(t.url, p.username, p.password);
};

/** A closed meeting with a recording filed in its archive (bytes, as the composer files them). */
async function closedWithRecording() {
  const b = await newBriefing(t, { sites: 1, state: 'open' });
  // The ward came in while the meeting ran (an invitation is refused once it is closed).
  const ward = (await exchangeInvite(t.url, b.sites[0]!.inviteToken)).accessToken;
  for (const to of ['in_session', 'adjourned', 'closed']) {
    const r = await rest(t.url, 'POST', `/api/meetings/${b.meetingId}/transition`, {
      token: admin,
      body: { to },
    });
    expect(r.status, to).toBe(200);
  }
  await eventually(async () => {
    const l = await rest<ArchiveListing>(t.url, 'GET', `/api/meetings/${b.meetingId}/archive`, {
      token: admin,
    });
    if (l.body.pending || !l.body.files.some((f) => f.kind === 'log'))
      throw new Error('not filed yet');
    return true;
  }, 30_000);
  const video = new Uint8Array(50_000).map((_, i) => (i * 13) % 251);
  const rec = await t.hub.archive.fileBytes(b.meetingId, {
    name: 'GhiHinh-test-1.webm',
    kind: 'recording',
    mediaType: 'video/webm',
    bytes: video,
  });
  return { b, rec, video, ward };
}

async function linkOf(meetingId: string, sha256: string, bearer: string): Promise<string> {
  const r = await rest<ArchivePlayLink>(
    t.url,
    'POST',
    `/api/meetings/${meetingId}/archive/${sha256}/link`,
    { token: bearer },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.url;
}

/** One Range request of a play link, as the player asks: the status and the error code. */
async function rangeOf(url: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(t.url + url, { headers: { range: 'bytes=100-199' } });
  if (res.ok) {
    await res.arrayBuffer();
    return { status: res.status };
  }
  const body = (await res.json()) as { error: ErrorBody };
  return { status: res.status, code: body.error.code };
}

describe('a play link follows the session that asked for it', () => {
  it('is refused once that session is signed out or ended by an admin, or the role is taken away', async () => {
    const { b, rec } = await closedWithRecording();
    const secretaryId = t.seed.people.secretary.id;
    const [first, second] = [await as('secretary'), await as('secretary')];
    const linkA = await linkOf(b.meetingId, rec.sha256, first.accessToken);
    const linkB = await linkOf(b.meetingId, rec.sha256, second.accessToken);
    expect(await rangeOf(linkA)).toEqual({ status: 206 });
    expect(await rangeOf(linkB)).toEqual({ status: 206 });

    // She signs out in the first browser: its link stops, the other browser's plays on.
    expect(
      (await rest(t.url, 'POST', '/api/auth/logout', { token: first.accessToken })).status,
    ).toBe(200);
    expect(await rangeOf(linkA)).toEqual({ status: 403, code: 'ACCESS_REVOKED' });
    expect(await rangeOf(linkB)).toEqual({ status: 206 });

    // An admin ends that one session from the accounts screen.
    const mine = await rest<SessionView[]>(t.url, 'GET', '/api/auth/sessions', {
      token: second.accessToken,
    });
    const current = mine.body.find((s) => s.current)!.id;
    expect(
      (
        await rest(t.url, 'DELETE', `/api/accounts/${secretaryId}/sessions/${current}`, {
          token: admin,
        })
      ).status,
    ).toBe(200);
    expect(await rangeOf(linkB)).toEqual({ status: 403, code: 'ACCESS_REVOKED' });

    // An admin ends all her sessions (the principal's epoch goes up).
    const third = await as('secretary');
    const linkC = await linkOf(b.meetingId, rec.sha256, third.accessToken);
    expect(await rangeOf(linkC)).toEqual({ status: 206 });
    expect(
      (await rest(t.url, 'DELETE', `/api/accounts/${secretaryId}/sessions`, { token: admin }))
        .status,
    ).toBe(200);
    expect(await rangeOf(linkC)).toEqual({ status: 403, code: 'ACCESS_REVOKED' });

    // Her role is taken away (the account becomes an observer), then given back: the link she
    // had before stays refused, a link asked for again works.
    const fourth = await as('secretary');
    const linkD = await linkOf(b.meetingId, rec.sha256, fourth.accessToken);
    expect(await rangeOf(linkD)).toEqual({ status: 206 });
    const demoted = await rest<Account>(t.url, 'PATCH', `/api/accounts/${secretaryId}`, {
      token: admin,
      body: { role: 'observer' },
    });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    expect(await rangeOf(linkD)).toEqual({ status: 403, code: 'ACCESS_REVOKED' });
    await rest(t.url, 'PATCH', `/api/accounts/${secretaryId}`, {
      token: admin,
      body: { role: 'secretary' },
    });
    const fifth = await as('secretary');
    expect(await rangeOf(await linkOf(b.meetingId, rec.sha256, fifth.accessToken))).toEqual({
      status: 206,
    });
    expect(await rangeOf(linkD)).toEqual({ status: 403, code: 'ACCESS_REVOKED' });
  }, 60_000);
});

describe('the retention hold', () => {
  it('the secretary or an admin holds and releases with a reason, in the log; others are refused', async () => {
    const { b, ward } = await closedWithRecording();
    const M = `/api/meetings/${b.meetingId}`;
    const secretary = (await as('secretary')).accessToken;
    const chair = (await as('chair')).accessToken;
    const observer = (await as('observer')).accessToken;
    const hold = (token: string, body: unknown) =>
      rest<ArchiveListing & { error?: ErrorBody }>(t.url, 'PUT', `${M}/archive/hold`, {
        token,
        body,
      });
    const reason = 'Đơn khiếu nại số 12/KN ngày 01/12/2026 của bà Nguyễn Thị C';

    // A ward site and an observer: not the archive's roles at all; the chair opens the archive
    // but a hold is the secretary's (or an admin's) decision.
    for (const [who, token] of [
      ['ward', ward],
      ['observer', observer],
      ['chair', chair],
    ] as const) {
      const r = await hold(token, { held: true, reason });
      expect(r.status, who).toBe(403);
      expect(r.body.error?.code, who).toBe('FORBIDDEN');
    }
    // zod: a reason is required (blank is none), bounded, nothing else in the body.
    for (const body of [
      { held: true },
      { held: true, reason: '   ' },
      { held: true, reason: 'x'.repeat(501) },
      { held: 'yes', reason },
      { held: true, reason, until: '2030-01-01' },
    ]) {
      const r = await hold(secretary, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error?.code).toBe('BAD_REQUEST');
    }
    expect((await hold(secretary, { held: false, reason: 'chưa giữ' })).body.error?.code).toBe(
      'CONFLICT',
    );

    const on = await hold(secretary, { held: true, reason: `  ${reason}  ` });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.hold).toMatchObject({
      reason,
      by: { id: t.seed.people.secretary.id, role: 'secretary', name: t.seed.people.secretary.name },
    });
    expect((await hold(secretary, { held: true, reason })).body.error?.code).toBe('CONFLICT');
    // The chair sees it (the listing), an observer still does not.
    const seen = await rest<ArchiveListing>(t.url, 'GET', `${M}/archive`, { token: chair });
    expect(seen.body.hold?.reason).toBe(reason);
    expect((await rest(t.url, 'GET', `${M}/archive`, { token: observer })).status).toBe(403);
    // The chair may not release it either; an admin may.
    expect((await hold(chair, { held: false, reason: 'xong' })).status).toBe(403);
    const off = await hold(admin, { held: false, reason: 'Đã giải quyết xong khiếu nại' });
    expect(off.status).toBe(200);
    expect(off.body.hold).toBeNull();

    const log = await rest<{ events: MeetingEventEntry[] }>(
      t.url,
      'GET',
      `${M}/events?limit=1000`,
      { token: secretary },
    );
    const lines = log.body.events.filter(
      (e) => e.type === 'archive.hold' || e.type === 'archive.release',
    );
    expect(lines.map((e) => [e.type, e.actor.role, e.data])).toEqual([
      ['archive.hold', 'secretary', { reason }],
      ['archive.release', 'admin', { reason: 'Đã giải quyết xong khiếu nại' }],
    ]);
    for (const e of lines) expect(Date.parse(e.at)).toBeGreaterThan(0);
  }, 60_000);
});
