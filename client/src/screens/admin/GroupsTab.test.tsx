import type { Unit, UnitGroup } from '@giaoban/shared';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWith } from '../../test/fixtures';
import { GroupsTab } from './GroupsTab';

/** A tiny in-memory /api/groups behind a stubbed fetch (the edge of the client). */
function fakeGroupsApi() {
  const ward = (code: string, name: string): Unit => ({
    code,
    tier: 'ward',
    name,
    fullName: `Phường ${name}`,
    kind: 'Phường',
    parentCode: '01',
  });
  const units: Unit[] = [
    { code: '01', tier: 'province', name: 'Hà Nội', fullName: 'Thành phố Hà Nội', kind: 'x' },
    ...Array.from({ length: 126 }, (_, i) => ward(String(10_000 + i).padStart(5, '0'), `P${i}`)),
    ward('00004', 'Ba Đình'),
    ward('00008', 'Ngọc Hà'),
  ];
  let groups: UnitGroup[] = [
    {
      id: 'grp_1',
      name: 'Phía Đông',
      unitCodes: ['00004', '00008'],
      createdAt: '2026-11-27T00:00:00.000Z',
    },
  ];
  const calls: Array<{ method: string; path: string; body?: unknown }> = [];
  const json = (data: unknown, status = 200) =>
    new Response(status === 204 ? null : JSON.stringify(data), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname + new URL(url).search;
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    if (method === 'GET' && path === '/api/groups') return json(groups);
    if (method === 'GET' && path === '/api/units') return json(units);
    if (method === 'POST' && path === '/api/groups') {
      const g: UnitGroup = {
        id: `grp_${groups.length + 1}`,
        name: body.name,
        unitCodes: body.unitCodes,
        createdAt: '2026-11-27T00:00:00.000Z',
      };
      groups = [...groups, g];
      return json(g, 201);
    }
    const del = path.match(/^\/api\/groups\/(.+)$/);
    if (method === 'DELETE' && del) {
      groups = groups.filter((g) => g.id !== decodeURIComponent(del[1]!));
      return json(null, 204);
    }
    return json({ error: { code: 'NOT_FOUND', message: path } }, 404);
  });
  return { fetch, calls };
}

let api: ReturnType<typeof fakeGroupsApi>;
beforeEach(() => {
  api = fakeGroupsApi();
  vi.stubGlobal('fetch', api.fetch);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('GroupsTab', () => {
  it('lists the saved groups with their size', async () => {
    renderWith(<GroupsTab />);
    const row = await screen.findByTestId('group-row-grp_1');
    expect(row.textContent).toContain('Phía Đông');
    expect(row.textContent).toContain('2 đơn vị');
  });

  it('creates a group of a whole province from the picker, page after page', async () => {
    renderWith(<GroupsTab />);
    await screen.findByTestId('group-row-grp_1');
    const create = screen.getByTestId('group-create') as HTMLButtonElement;
    fireEvent.change(screen.getByTestId('group-name'), { target: { value: 'Toàn thành phố' } });
    // A name alone is not a group: some units are needed.
    expect(create.disabled).toBe(true);
    fireEvent.click(await screen.findByTestId('group-units-open-01'));
    // 128 wards: three pages of 50, nothing cut off silently.
    expect(screen.getByTestId('group-units-range').textContent).toBe(
      'Hiển thị 1–50 trong 128 đơn vị',
    );
    fireEvent.click(screen.getByTestId('group-units-next'));
    fireEvent.click(screen.getByTestId('group-units-next'));
    expect(screen.getByTestId('group-units-range').textContent).toBe(
      'Hiển thị 101–128 trong 128 đơn vị',
    );
    fireEvent.click(screen.getByTestId('group-units-pick-all'));
    expect(screen.getByTestId('group-units-count').getAttribute('data-count')).toBe('128');
    expect(create.disabled).toBe(false);
    fireEvent.click(create);
    const row = await screen.findByTestId('group-row-grp_2');
    expect(row.getAttribute('data-size')).toBe('128');
    expect(screen.getByTestId('group-created').textContent).toContain('Toàn thành phố');
    const body = api.calls.find((c) => c.method === 'POST')?.body as { unitCodes: string[] };
    expect(body.unitCodes).toHaveLength(128);
  });

  it('finds units by name without accents, refuses a duplicate name, asks before deleting', async () => {
    renderWith(<GroupsTab />, { lang: 'en' });
    await screen.findByTestId('group-row-grp_1');
    fireEvent.change(screen.getByTestId('group-name'), { target: { value: 'phía đông ' } });
    expect(screen.getByTestId('group-name-taken')).toBeTruthy();
    expect((screen.getByTestId('group-create') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('group-name'), { target: { value: 'Two wards' } });
    fireEvent.change(screen.getByTestId('group-units-search'), { target: { value: 'ba dinh' } });
    fireEvent.click(await screen.findByTestId('group-units-pick-00004'));
    fireEvent.change(screen.getByTestId('group-units-search'), { target: { value: '00008' } });
    fireEvent.click(await screen.findByTestId('group-units-pick-00008'));
    fireEvent.click(screen.getByTestId('group-create'));
    await screen.findByTestId('group-row-grp_2');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Two wards',
      unitCodes: ['00004', '00008'],
    });
    fireEvent.click(screen.getByTestId('group-delete-grp_1'));
    // Nothing is deleted until the question is answered yes.
    fireEvent.click(screen.getByTestId('group-delete-grp_1-no'));
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(screen.getByTestId('group-delete-grp_1'));
    fireEvent.click(screen.getByTestId('group-delete-grp_1-yes'));
    await waitFor(() => expect(screen.queryByTestId('group-row-grp_1')).toBeNull());
    expect(api.calls.some((c) => c.method === 'DELETE' && c.path === '/api/groups/grp_1')).toBe(
      true,
    );
  });
});
