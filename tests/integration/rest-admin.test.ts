// REST administration end to end: directory import (JSON + CSV with rejected rows), groups,
// accounts, login/refresh, meetings built from groups and provinces, invitations, audit,
// health, metrics and the SPA fallback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Meeting, TokenResponse } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  exchangeInvite,
  login,
  ok,
  rest,
  startTestHub,
  type TestHub,
  waitFor,
} from '../harness/hub';

let t: TestHub;
let admin: string;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'giaoban-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><title>GiaoBan</title><div id="root"></div>',
  );
  writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
  t = await startTestHub({ env: { CLIENT_DIST: dist }, seed: { maxSites: 3, siteAccounts: 1 } });
  admin = (await login(t.url, t.seed.people.admin.username, t.seed.people.admin.password))
    .accessToken;
});
afterAll(async () => {
  await t?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('directory', () => {
  it('previews, then imports JSON and CSV, reporting every rejected row', async () => {
    type Result = {
      preview: boolean;
      imported: number;
      added: Array<{ code: string; fullName: string }>;
      changed: Array<{
        code: string;
        fields: Array<{ field: string; before: string; after: string }>;
      }>;
      unchanged: number;
      rejected: Array<{ row: string; reason: string; reasonVi?: string }>;
    };
    const json = await rest<Result>(t.url, 'POST', '/api/units/import', {
      token: admin,
      body: {
        format: 'json',
        data: [
          {
            Type: 'province',
            Code: '98',
            Name: 'Tỉnh Thử',
            Wards: [
              { Type: 'ward', Code: '99001', Name: 'Xã Một' },
              { Type: 'ward', Name: 'Không mã' },
            ],
          },
        ],
      },
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      preview: false,
      imported: 2,
      rejected: [{ row: '[0].Wards[1]', reason: 'missing Code', reasonVi: 'thiếu mã (Code)' }],
    });
    expect(json.body.added.map((u) => u.fullName)).toEqual(['Tỉnh Thử', 'Xã Một']);
    const csvBody = {
      format: 'csv',
      csv: 'code,name,tier,parentCode\n99002,Xã Hai,ward,98\n99003,Xã Ba,ward,77\n99001,Xã Một Mới,xã,98\n',
    };
    // The preview writes nothing and shows the diff of each change.
    const preview = await rest<Result>(t.url, 'POST', '/api/units/import', {
      token: admin,
      body: { ...csvBody, preview: true },
    });
    expect(preview.body).toMatchObject({ preview: true, imported: 0, unchanged: 0 });
    expect(preview.body.added.map((u) => u.code)).toEqual(['99002']);
    expect(preview.body.changed).toEqual([
      expect.objectContaining({
        code: '99001',
        fields: [
          { field: 'name', before: 'Một', after: 'Một Mới' },
          { field: 'fullName', before: 'Xã Một', after: 'Xã Một Mới' },
        ],
      }),
    ]);
    const before = await rest<Array<{ code: string }>>(t.url, 'GET', '/api/units?parentCode=98', {
      token: admin,
    });
    expect(before.body.map((u) => u.code)).toEqual(['99001']);
    const csv = await rest<Result>(t.url, 'POST', '/api/units/import', {
      token: admin,
      body: csvBody,
    });
    expect(csv.body).toMatchObject({
      imported: 2,
      rejected: [{ row: '3', reason: '99003: unknown province "77"' }],
    });
    const listed = await rest<Array<{ code: string }>>(t.url, 'GET', '/api/units?parentCode=98', {
      token: admin,
    });
    expect(listed.body.map((u) => u.code)).toEqual(['99001', '99002']);
    const search = await rest<Array<{ code: string }>>(
      t.url,
      'GET',
      `/api/units?q=${encodeURIComponent('xã hai')}`,
      { token: admin },
    );
    expect(search.body.map((u) => u.code)).toEqual(['99002']);
  });

  it('saves groups from codes and whole provinces', async () => {
    const g = await rest<{ id: string; unitCodes: string[] }>(t.url, 'POST', '/api/groups', {
      token: admin,
      body: { name: 'Tỉnh Thử', provinceCodes: ['98'] },
    });
    expect(g.body.unitCodes).toEqual(['99001', '99002']);
    const bad = await rest<{ error: { code: string } }>(t.url, 'POST', '/api/groups', {
      token: admin,
      body: { name: 'x', unitCodes: ['55555'] },
    });
    expect([bad.status, bad.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(
      (await rest<unknown[]>(t.url, 'GET', '/api/groups', { token: admin })).body,
    ).toHaveLength(1);
  });
});

describe('accounts and auth', () => {
  it('creates accounts, logs in, refreshes, disables', async () => {
    const created = await rest<{ id: string; passwordHash?: string }>(
      t.url,
      'POST',
      '/api/accounts',
      {
        token: admin,
        body: {
          username: 'xa99001',
          password: 'mat-khau-xa-99001',
          displayName: 'Xã Một',
          role: 'site',
          siteId: '99001',
        },
      },
    );
    expect(created.status).toBe(200);
    expect(created.body.passwordHash).toBeUndefined();
    const dup = await rest<{ error: { code: string } }>(t.url, 'POST', '/api/accounts', {
      token: admin,
      body: {
        username: 'xa99001',
        password: 'mat-khau-xa-99001',
        displayName: 'Xã Một',
        role: 'site',
        siteId: '99001',
      },
    });
    expect(dup.body.error.code).toBe('CONFLICT');
    const tok = await login(t.url, 'xa99001', 'mat-khau-xa-99001');
    expect(tok.grant).toMatchObject({ role: 'site', siteId: '99001' });
    const wrong = await rest<{ error: { code: string } }>(t.url, 'POST', '/api/auth/login', {
      body: { username: 'xa99001', password: 'wrong-password' },
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const refreshed = await rest<TokenResponse>(t.url, 'POST', '/api/auth/refresh', {
      body: { refreshToken: tok.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(
      (
        await rest<{ sub: string }>(t.url, 'GET', '/api/auth/me', {
          token: refreshed.body.accessToken,
        })
      ).body.sub,
    ).toBe(created.body.id);
    // An access token is not a refresh token.
    expect(
      (await rest(t.url, 'POST', '/api/auth/refresh', { body: { refreshToken: tok.accessToken } }))
        .status,
    ).toBe(401);
    await rest(t.url, 'PATCH', `/api/accounts/${created.body.id}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(
      (
        await rest(t.url, 'POST', '/api/auth/login', {
          body: { username: 'xa99001', password: 'mat-khau-xa-99001' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await rest(t.url, 'POST', '/api/auth/refresh', { body: { refreshToken: tok.refreshToken } }))
        .status,
    ).toBe(401);
    const audit = await rest<Array<{ action: string }>>(t.url, 'GET', '/api/audit', {
      token: admin,
    });
    expect(audit.body.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'directory.import',
        'group.create',
        'account.create',
        'account.update',
      ]),
    );
  });
});

describe('meetings', () => {
  it('creates a meeting from a group, edits it while scheduled, issues invitations', async () => {
    const groups = await rest<Array<{ id: string }>>(t.url, 'GET', '/api/groups', { token: admin });
    const p = t.seed.people;
    const created = await rest<Meeting>(t.url, 'POST', '/api/meetings', {
      token: admin,
      body: {
        title: 'Giao ban Tỉnh Thử',
        scheduledStart: '2026-12-01T01:00:00.000Z',
        chairId: p.chair.id,
        secretaryId: p.secretary.id,
        groupIds: [groups.body[0]!.id],
        agenda: [{ title: 'Báo cáo', plannedMinutes: 10, presenterSiteIds: ['99001'] }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'draft',
      siteIds: ['99001', '99002'],
      lateGraceMinutes: 10,
    });
    const id = created.body.id;
    const sec = (await login(t.url, p.secretary.username, p.secretary.password)).accessToken;
    const patched = await rest<Meeting>(t.url, 'PATCH', `/api/meetings/${id}`, {
      token: sec,
      body: { title: 'Giao ban (sửa)', lateGraceMinutes: 5 },
    });
    expect(patched.body).toMatchObject({ title: 'Giao ban (sửa)', lateGraceMinutes: 5 });
    const badPresenter = await rest<{ error: { code: string } }>(
      t.url,
      'PATCH',
      `/api/meetings/${id}`,
      {
        token: sec,
        body: { agenda: [{ title: 'x', plannedMinutes: 5, presenterSiteIds: ['00004'] }] },
      },
    );
    expect(badPresenter.body.error.code).toBe('BAD_REQUEST');
    await rest(t.url, 'POST', `/api/meetings/${id}/transition`, {
      token: sec,
      body: { to: 'scheduled' },
    });
    const open = await rest<Meeting>(t.url, 'POST', `/api/meetings/${id}/transition`, {
      token: sec,
      body: { to: 'open' },
    });
    expect(open.body.state).toBe('open');
    // Open: the minutes' fields may still change, the facts the log builds on may not.
    const minutesFields = await rest<Meeting>(t.url, 'PATCH', `/api/meetings/${id}`, {
      token: sec,
      body: { documentNumber: '05/BB-UBND', place: 'Hà Nội', hostLocation: 'Phòng họp số 1' },
    });
    expect(minutesFields.body).toMatchObject({ documentNumber: '05/BB-UBND', place: 'Hà Nội' });
    const locked = await rest<{ error: { code: string; message: string } }>(
      t.url,
      'PATCH',
      `/api/meetings/${id}`,
      { token: sec, body: { lateGraceMinutes: 1 } },
    );
    expect(locked.body.error.code).toBe('INVALID_STATE');
    expect(locked.body.error.message).toContain('lateGraceMinutes');
    const inv = await rest<Array<{ siteId: string; url: string; token: string }>>(
      t.url,
      'POST',
      `/api/meetings/${id}/invitations`,
      { token: sec, body: {} },
    );
    expect(inv.body.map((i) => i.siteId)).toEqual(['99001', '99002']);
    expect(inv.body[0]!.url).toBe(`${t.hub.config.publicUrl}/join/${inv.body[0]!.token}`);
    const siteTok = await exchangeInvite(t.url, inv.body[0]!.token);
    expect(siteTok.grant).toMatchObject({ role: 'site', siteId: '99001', meetingId: id });
    // The invitation opens this meeting and nothing else.
    const s = await connect(t.url, siteTok.accessToken);
    try {
      expect((await ok(s, 'meeting:join', { meetingId: id })).you.siteId).toBe('99001');
      const other = await new Promise((r) =>
        s.emit('meeting:join', { meetingId: t.seed.meetingId }, r),
      );
      expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      s.close();
    }
  });

  it('expires the floor after its speaking limit', async () => {
    const { meetingId, people, sites } = t.seed;
    const chair = await connect(
      t.url,
      (await login(t.url, people.chair.username, people.chair.password)).accessToken,
    );
    const site = await connect(
      t.url,
      (await exchangeInvite(t.url, sites[0]!.inviteToken)).accessToken,
    );
    try {
      await ok(chair, 'meeting:join', { meetingId });
      await ok(site, 'meeting:join', { meetingId });
      await ok(chair, 'meeting:transition', { to: 'in_session' });
      const expired = waitFor(site, 'floor:warning', (w) => w.secondsLeft === 0);
      const revoked = waitFor(site, 'floor:updated', (f) => f.holder === null);
      await ok(chair, 'floor:grant', { siteId: sites[0]!.siteId, limitSeconds: 1 });
      expect(await expired).toEqual({ siteId: sites[0]!.siteId, secondsLeft: 0 });
      await revoked;
    } finally {
      chair.close();
      site.close();
    }
  });
});

describe('operations', () => {
  it('serves /healthz and /metrics', async () => {
    const h = await rest<{ ok: boolean; store: { kind: string; ok: boolean } }>(
      t.url,
      'GET',
      '/healthz',
    );
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      ok: true,
      store: { kind: 'memory', ok: true },
      media: { workers: 0, ok: true },
    });
    const m = await rest<string>(t.url, 'GET', '/metrics');
    expect(m.status).toBe(200);
    for (const name of [
      'giaoban_connected_sites',
      'giaoban_socket_event_duration_seconds',
      'giaoban_consumers',
      'giaoban_worker_cpu_seconds',
      'giaoban_sockets',
    ]) {
      expect(m.body).toContain(name);
    }
  });

  it('serves the built client with an SPA fallback, never for /api', async () => {
    const index = await rest<string>(t.url, 'GET', '/join/abc');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect((await rest<string>(t.url, 'GET', '/assets/app.js')).body).toBe('console.log(1)');
    const api = await rest<{ error: { code: string } }>(t.url, 'GET', '/api/nope');
    expect([api.status, api.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
