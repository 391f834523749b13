import type { Actor, ImportRejection, Unit, UnitGroup } from '@giaoban/shared';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import { parseUnitsCsv, parseUnitsJson } from './DirectoryImport';

export class DirectoryService {
  constructor(private readonly store: Store) {}

  async import(
    body: { format: 'json'; data: unknown } | { format: 'csv'; csv: string },
    actor: Actor,
  ): Promise<{ imported: number; rejected: ImportRejection[] }> {
    let outcome: { units: Unit[]; rejected: ImportRejection[] };
    if (body.format === 'json') outcome = parseUnitsJson(body.data);
    else {
      const provinces = new Set(
        (await this.store.listUnits()).filter((u) => u.tier === 'province').map((u) => u.code),
      );
      outcome = parseUnitsCsv(body.csv, provinces);
    }
    await this.store.putUnits(outcome.units);
    await this.store.appendAudit({
      id: newId('au_'),
      at: new Date().toISOString(),
      actor,
      action: 'directory.import',
      detail: {
        format: body.format,
        imported: outcome.units.length,
        rejected: outcome.rejected.length,
      },
    });
    return { imported: outcome.units.length, rejected: outcome.rejected };
  }

  async list(q: { tier?: 'province' | 'ward'; parentCode?: string; q?: string }): Promise<Unit[]> {
    const needle = q.q?.toLocaleLowerCase('vi');
    return (await this.store.listUnits())
      .filter(
        (u) =>
          (!q.tier || u.tier === q.tier) &&
          (!q.parentCode || u.parentCode === q.parentCode) &&
          (!needle || u.fullName.toLocaleLowerCase('vi').includes(needle) || u.code === q.q),
      )
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Every ward of the given provinces. */
  async wardsOf(provinceCodes: readonly string[]): Promise<string[]> {
    const set = new Set(provinceCodes);
    return (await this.store.listUnits())
      .filter((u) => u.tier === 'ward' && u.parentCode && set.has(u.parentCode))
      .map((u) => u.code)
      .sort();
  }

  async createGroup(
    input: { name: string; unitCodes?: string[]; provinceCodes?: string[] },
    actor: Actor,
  ): Promise<UnitGroup> {
    const name = input.name.trim();
    const key = name.toLocaleLowerCase('vi');
    if (
      (await this.store.listGroups()).some((g) => g.name.trim().toLocaleLowerCase('vi') === key)
    ) {
      throw new HubError('CONFLICT', `a group named "${name}" already exists`);
    }
    const codes = new Set(input.unitCodes ?? []);
    for (const c of await this.wardsOf(input.provinceCodes ?? [])) codes.add(c);
    const list = [...codes];
    const units = await this.store.getUnits(list);
    const missing = list.filter((_, i) => !units[i]).sort();
    if (missing.length) {
      throw new HubError(
        'NOT_FOUND',
        `unknown unit codes: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''}`,
      );
    }
    const group: UnitGroup = {
      id: newId('grp_'),
      name,
      unitCodes: list.sort(),
      createdAt: new Date().toISOString(),
    };
    await this.store.putGroup(group);
    await this.store.appendAudit({
      id: newId('au_'),
      at: group.createdAt,
      actor,
      action: 'group.create',
      target: group.id,
      detail: { name: group.name, size: list.length },
    });
    return group;
  }

  async deleteGroup(id: string, actor: Actor): Promise<void> {
    if (!(await this.store.deleteGroup(id)))
      throw new HubError('NOT_FOUND', `group ${id} not found`);
    await this.store.appendAudit({
      id: newId('au_'),
      at: new Date().toISOString(),
      actor,
      action: 'group.delete',
      target: id,
    });
  }
}
