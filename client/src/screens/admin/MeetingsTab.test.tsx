import type { Account, Meeting, Unit } from '@giaoban/shared';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meeting as meetingFixture, renderWith } from '../../test/fixtures';
import { MeetingsTab } from './MeetingsTab';

/** /api/meetings and friends behind a stubbed fetch (the edge of the client). */
function fakeApi() {
  const account = (id: string, role: Account['role'], displayName: string): Account => ({
    id,
    username: id,
    displayName,
    role,
    disabled: false,
    createdAt: '2026-11-27T00:00:00.000Z',
  });
  const accounts = [
    account('admin', 'admin', 'Quản trị'),
    account('chair', 'chair', 'Phạm Minh Chính'),
    account('sec', 'secretary', 'Lê Thu Hà'),
  ];
  const units: Unit[] = [
    { code: '01', tier: 'province', name: 'Hà Nội', fullName: 'Thành phố Hà Nội', kind: 'x' },
    ...['00004', '00008', '00025'].map((code, i) => ({
      code,
      tier: 'ward' as const,
      name: `P${i}`,
      fullName: `Phường P${i}`,
      kind: 'Phường',
      parentCode: '01',
    })),
  ];
  const meetings: Meeting[] = [];
  const calls: Array<{ method: string; path: string; body?: unknown }> = [];
  let release: (() => void) | null = null;
  const json = (data: unknown, status = 200) =>
    new Response(JSON.stringify(data), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    if (method === 'GET' && path === '/api/accounts') return json(accounts);
    if (method === 'GET' && path === '/api/groups') return json([]);
    if (method === 'GET' && path === '/api/units') return json(units);
    if (method === 'GET' && path === '/api/meetings')
      return json(
        meetings.map((m) => ({
          ...m,
          siteCount: m.siteIds.length,
        })),
      );
    if (method === 'POST' && path === '/api/meetings') {
      // Hold the answer until the test lets it go, so a second click lands while it is pending.
      await new Promise<void>((r) => {
        release = r;
      });
      const m = meetingFixture({ ...body, id: `mtg_${meetings.length + 1}`, state: 'draft' });
      meetings.push(m);
      return json(m, 201);
    }
    const one = /^\/api\/meetings\/([^/]+)$/.exec(path);
    if (one && method === 'GET') return json(meetings.find((m) => m.id === one[1]));
    if (one && method === 'PATCH') {
      const m = meetings.find((x) => x.id === one[1])!;
      Object.assign(m, body);
      return json(m);
    }
    return json({ error: { code: 'NOT_FOUND', message: path } }, 404);
  });
  return { fetch, calls, meetings, release: () => release?.() };
}

let api: ReturnType<typeof fakeApi>;
beforeEach(() => {
  api = fakeApi();
  vi.stubGlobal('fetch', api.fetch);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const fill = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

async function fillValidMeeting() {
  await screen.findByRole('option', { name: /Phạm Minh Chính/ });
  fill('meeting-title', 'Giao ban tháng 12');
  fill('meeting-date', '05/12/2026');
  fill('meeting-time', '08:30');
  fill('meeting-chair', 'chair');
  fill('meeting-secretary', 'sec');
  fill('meeting-issuing-body', 'Ủy ban nhân dân Thành phố Hà Nội');
  fill('meeting-document-number', '05/BB-UBND');
  fill('meeting-place', 'Hà Nội');
  fill('meeting-host-location', 'Trụ sở UBND Thành phố');
  fireEvent.click(screen.getByTestId('meeting-sites-open-01'));
  fireEvent.click(screen.getByTestId('meeting-sites-pick-all'));
  fill('agenda-title-0', 'Tình hình kinh tế');
}

describe('MeetingsTab', () => {
  it('names each field and its limit, and never defaults chair or secretary to the admin', async () => {
    renderWith(<MeetingsTab />);
    await screen.findByRole('option', { name: /Phạm Minh Chính/ });
    expect((screen.getByTestId('meeting-chair') as HTMLSelectElement).value).toBe('');
    expect((screen.getByTestId('meeting-title') as HTMLInputElement).maxLength).toBe(500);
    // A pasted 10,000-character title (a script can bypass maxLength) and a US-style date.
    fill('meeting-title', 'x'.repeat(10_000));
    fill('meeting-date', '12/31/2026');
    fireEvent.click(screen.getByTestId('meeting-create'));
    const summary = await screen.findByTestId('meeting-form-issues');
    expect(summary.textContent).toContain('Tiêu đề: tối đa 500 ký tự.');
    expect(summary.textContent).toContain('Thời gian bắt đầu: ngày theo dạng ngày/tháng/năm');
    expect(summary.textContent).toContain('Chủ trì (tài khoản): hãy chọn một tài khoản.');
    expect(summary.textContent).toContain('Điểm cầu được mời');
    expect(screen.getByTestId('field-error-title').textContent).toBe('Tiêu đề: tối đa 500 ký tự.');
    expect(screen.getByTestId('meeting-title').getAttribute('aria-invalid')).toBe('true');
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);
    // Fixing a field takes its message away; the others stay until the next attempt.
    fill('meeting-title', 'Giao ban');
    expect(screen.queryByTestId('field-error-title')).toBeNull();
    expect(screen.getByTestId('field-error-chairId')).toBeTruthy();
  });

  it('creates once on a double click, resets the form and says so', async () => {
    renderWith(<MeetingsTab />);
    await fillValidMeeting();
    fireEvent.click(screen.getByTestId('meeting-create'));
    fireEvent.click(screen.getByTestId('meeting-create'));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    api.release();
    const saved = await screen.findByTestId('meeting-saved');
    expect(saved.textContent).toContain('Giao ban tháng 12');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      title: 'Giao ban tháng 12',
      scheduledStart: '2026-12-05T01:30:00.000Z',
      chairId: 'chair',
      secretaryId: 'sec',
      issuingBody: 'Ủy ban nhân dân Thành phố Hà Nội',
      documentNumber: '05/BB-UBND',
      place: 'Hà Nội',
      hostLocation: 'Trụ sở UBND Thành phố',
      siteIds: ['00004', '00008', '00025'],
      agenda: [{ title: 'Tình hình kinh tế', plannedMinutes: 15, presenterSiteIds: [] }],
    });
    await waitFor(() =>
      expect((screen.getByTestId('meeting-title') as HTMLInputElement).value).toBe(''),
    );
    expect(screen.getByTestId('meeting-sites-count').getAttribute('data-count')).toBe('0');
  });

  it('edits a meeting that is under way: only the minutes fields, sent as a PATCH', async () => {
    api.meetings.push(
      meetingFixture({
        id: 'mtg_live',
        title: 'Đang họp',
        state: 'in_session',
        siteIds: ['00004'],
        chairId: 'chair',
        secretaryId: 'sec',
      }),
    );
    renderWith(<MeetingsTab />);
    fireEvent.click(await screen.findByTestId('edit-mtg_live'));
    await screen.findByTestId('meeting-live-note');
    expect((screen.getByTestId('meeting-chair') as HTMLSelectElement).disabled).toBe(true);
    fill('meeting-document-number', '07/BB-UBND');
    fireEvent.click(screen.getByTestId('meeting-create'));
    await screen.findByTestId('meeting-saved');
    const patch = api.calls.find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe('/api/meetings/mtg_live');
    expect(Object.keys(patch?.body as object).sort()).toEqual([
      'documentNumber',
      'hostLocation',
      'issuingBody',
      'parentBody',
      'place',
      'title',
    ]);
    expect((patch!.body as { documentNumber: string }).documentNumber).toBe('07/BB-UBND');
  });
});
