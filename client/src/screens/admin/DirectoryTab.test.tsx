import type { DirectoryImportResult, Unit } from '@giaoban/shared';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWith } from '../../test/fixtures';
import { DirectoryTab } from './DirectoryTab';

const baDinh: Unit = {
  code: '00004',
  tier: 'ward',
  name: 'Ba Đình',
  fullName: 'Phường Ba Đình',
  kind: 'Phường',
  parentCode: '01',
};

function fakeApi() {
  const calls: Array<{ method: string; path: string; body?: { preview?: boolean; csv?: string } }> =
    [];
  const plan = (preview: boolean, fatal = false): DirectoryImportResult => ({
    preview,
    imported: preview || fatal ? 0 : 2,
    added: [{ ...baDinh, code: '00008', name: 'Ngọc Hà', fullName: 'Phường Ngọc Hà' }],
    changed: [
      {
        code: '00004',
        before: baDinh,
        after: { ...baDinh, name: 'Ba Đình Mới', fullName: 'Phường Ba Đình Mới' },
        fields: [{ field: 'fullName', before: 'Phường Ba Đình', after: 'Phường Ba Đình Mới' }],
      },
    ],
    unchanged: 3,
    rejected: fatal
      ? [{ row: '3', reason: 'a quote…', reasonVi: 'dấu ngoặc kép mở ở dòng 3 không được đóng' }]
      : [
          {
            row: '4',
            reason: '00009: unknown province "99"',
            reasonVi: '00009: không có tỉnh/thành mã "99"',
          },
        ],
    ...(fatal
      ? {
          fatal: {
            row: '3',
            reason: 'a quote…',
            reasonVi: 'dấu ngoặc kép mở ở dòng 3 không được đóng',
          },
        }
      : {}),
    expectedHeader: 'code,name,tier,parentCode[,fullName,kind,nameEn]',
  });
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const json = (d: unknown) =>
      new Response(JSON.stringify(d), { headers: { 'Content-Type': 'application/json' } });
    if (path === '/api/units') return json([baDinh]);
    if (path === '/api/units/import')
      return json(plan(body.preview === true, String(body.csv).includes('"Phường Ngọc Hà,')));
    return new Response('{}', { status: 404 });
  });
  return { fetch, calls };
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

/** The directory has loaded: the preview button is usable. */
const ready = () =>
  waitFor(() =>
    expect((screen.getByTestId('import-preview') as HTMLButtonElement).disabled).toBe(false),
  );

describe('DirectoryTab import', () => {
  it('previews with a diff per change before anything is written, then imports', async () => {
    renderWith(<DirectoryTab />);
    expect(screen.getByTestId('import-expected-header').textContent).toContain(
      'code,name,tier,parentCode',
    );
    fireEvent.change(screen.getByTestId('import-text'), {
      target: { value: 'code,name,tier,parentCode\n00004,Phường Ba Đình Mới,ward,01' },
    });
    const apply = screen.getByTestId('import-submit') as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await ready();
    fireEvent.click(screen.getByTestId('import-preview'));
    const plan = await screen.findByTestId('import-plan');
    expect(plan.textContent).toContain('1 đơn vị mới, 1 thay đổi, 3 không đổi, 1 dòng bị từ chối');
    const diff = screen.getByTestId('import-change-00004-fullName');
    expect(diff.querySelector('del')?.textContent).toBe('Phường Ba Đình');
    expect(diff.querySelector('ins')?.textContent).toBe('Phường Ba Đình Mới');
    expect(screen.getByTestId('rejected-row-0').textContent).toContain(
      'không có tỉnh/thành mã "99"',
    );
    expect(
      api.calls.filter((c) => c.path === '/api/units/import').map((c) => c.body?.preview),
    ).toEqual([true]);
    fireEvent.click(apply);
    const done = await screen.findByTestId('import-result');
    expect(done.getAttribute('data-imported')).toBe('2');
    expect(
      api.calls.filter((c) => c.path === '/api/units/import').map((c) => c.body?.preview),
    ).toEqual([true, false]);
  });

  it('asks for a new preview when the text changed, and never imports a fatal file', async () => {
    renderWith(<DirectoryTab />, { lang: 'en' });
    const text = screen.getByTestId('import-text');
    fireEvent.change(text, {
      target: { value: 'code,name,tier,parentCode\n00008,"Phường Ngọc Hà,ward,01' },
    });
    await ready();
    fireEvent.click(screen.getByTestId('import-preview'));
    await screen.findByTestId('import-fatal');
    expect((screen.getByTestId('import-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(text, {
      target: { value: 'code,name,tier,parentCode\n00008,Phường Ngọc Hà,ward,01' },
    });
    expect(screen.getByTestId('import-stale')).toBeTruthy();
    expect((screen.getByTestId('import-submit') as HTMLButtonElement).disabled).toBe(true);
  });
});
