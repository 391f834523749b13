import type { Actor } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/MemoryStore';
import type { HubError } from '../util/HubError';
import { DirectoryService } from './DirectoryService';

const admin: Actor = { id: 'admin', role: 'admin', name: 'Quản trị' };

async function service() {
  const store = new MemoryStore();
  await store.putUnits([
    {
      code: '01',
      tier: 'province',
      name: 'Hà Nội',
      fullName: 'Thành phố Hà Nội',
      kind: 'Thành phố',
    },
    {
      code: '00004',
      tier: 'ward',
      name: 'Ba Đình',
      fullName: 'Phường Ba Đình',
      kind: 'Phường',
      parentCode: '01',
    },
  ]);
  return new DirectoryService(store);
}

describe('DirectoryService groups', () => {
  it('refuses a second group with the same name, whatever the case and spacing', async () => {
    const dir = await service();
    await dir.createGroup({ name: 'Phía Đông', unitCodes: ['00004'] }, admin);
    const err = (await dir
      .createGroup({ name: '  phía đông ', unitCodes: ['00004'] }, admin)
      .catch((e: unknown) => e)) as HubError;
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('phía đông');
  });

  it('names the unknown unit codes', async () => {
    const dir = await service();
    const err = (await dir
      .createGroup({ name: 'X', unitCodes: ['00004', '99999', '88888'] }, admin)
      .catch((e: unknown) => e)) as HubError;
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('unknown unit codes: 88888, 99999');
  });
});
