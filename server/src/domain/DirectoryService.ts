import type { Actor, DirectoryImportResult, Unit, UnitGroup } from '@giaoban/shared';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import { EXPECTED_CSV_HEADER, parseUnitsCsv, parseUnitsJson, planImport } from './DirectoryImport';

export class DirectoryService {
  constructor(private readonly store: Store) {}

  /**
   * Previews (`preview: true`) or applies an import. Applying recomputes the plan against the
   * directory as it is now and writes only the new and changed units; a file with a fatal problem
   * (no usable header, a quote never closed) writes nothing.
   */
  async import(
    body:
      | { format: 'json'; data: unknown; preview?: boolean }
      | { format: 'csv'; csv: string; preview?: boolean },
    actor: Actor,
  ): Promise<DirectoryImportResult> {
    const existing = await this.store.listUnits();
    const outcome =
      body.format === 'json'
        ? parseUnitsJson(body.data)
        : await parseUnitsCsv(
            body.csv,
            new Set(existing.filter((u) => u.tier === 'province').map((u) => u.code)),
          );
    const plan = planImport(outcome, new Map(existing.map((u) => [u.code, u])));
    const preview = body.preview === true;
    const writes = plan.fatal ? [] : [...plan.added, ...plan.changed.map((c) => c.after)];
    if (!preview && writes.length > 0) {
      await this.store.putUnits(writes);
      await this.store.appendAudit({
        id: newId('au_'),
        at: new Date().toISOString(),
        actor,
        action: 'directory.import',
        detail: {
          format: body.format,
          added: plan.added.length,
          changed: plan.changed.length,
          unchanged: plan.unchanged,
          rejected: plan.rejected.length,
        },
      });
    }
    const result: DirectoryImportResult = {
      preview,
      imported: preview ? 0 : writes.length,
      added: plan.added,
      changed: plan.changed,
      unchanged: plan.unchanged,
      rejected: plan.rejected,
      expectedHeader: EXPECTED_CSV_HEADER,
    };
    if (plan.fatal) result.fatal = plan.fatal;
    return result;
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

  listGroups(): Promise<UnitGroup[]> {
    return this.store.listGroups();
  }
}
