import type { Unit, UnitGroup } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { AdminError } from './AdminError';
import { ConfirmButton } from './ConfirmButton';
import { UnitBrowser } from './UnitBrowser';

/**
 * Saved groups of units ("all 126 communes of Hà Nội", "the eastern wards"): a meeting invites a
 * group instead of listing its sites one by one. The server expands provinces into their wards
 * when the group is created, so a group keeps its members if the directory changes later.
 */
export function GroupsTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const [groups, setGroups] = useState<UnitGroup[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [created, setCreated] = useState<string | null>(null);
  const action = useAction();
  const load = useCallback(
    () =>
      action.run(async () => {
        const [g, u] = await Promise.all([api.groups(), api.units()]);
        setGroups(g);
        setUnits(u);
      }),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const taken = groups.some(
    (g) => g.name.trim().toLocaleLowerCase('vi') === name.trim().toLocaleLowerCase('vi'),
  );

  return (
    <section className="panel" aria-labelledby="groups-title">
      <h2 id="groups-title">{t('admin.groups', { count: groups.length })}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (taken || picked.size === 0 || !name.trim()) return;
          void action.run(async () => {
            const g = await api.createGroup({ name: name.trim(), unitCodes: [...picked].sort() });
            setName('');
            setPicked(new Set());
            setCreated(g.name);
            await load();
          });
        }}
      >
        <label className="wide">
          {t('admin.groupName')}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            data-testid="group-name"
          />
        </label>
        {taken && (
          <p className="wide field-error" data-testid="group-name-taken">
            {t('admin.groupNameTaken', { name: name.trim() })}
          </p>
        )}
        <div className="wide">
          <UnitBrowser units={units} selected={picked} onChange={setPicked} testId="group-units" />
        </div>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={action.busy || !name.trim() || taken || picked.size === 0}
          data-testid="group-create"
        >
          {t('admin.createGroup')}
        </button>
      </form>
      {created && !action.error && (
        <p className="success" role="status" data-testid="group-created">
          {t('admin.groupCreated', { name: created })}
        </p>
      )}
      <AdminError error={action.error} />
      {groups.length === 0 ? (
        <p>{t('admin.noGroups')}</p>
      ) : (
        <table className="compact" data-testid="group-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.groupName')}</th>
              <th scope="col">{t('admin.groupMembers')}</th>
              <th scope="col">
                <span className="sr-only">{t('admin.deleteGroup')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.id} data-testid={`group-row-${g.id}`} data-size={g.unitCodes.length}>
                <td>{g.name}</td>
                <td>{t('admin.groupSize', { count: g.unitCodes.length })}</td>
                <td>
                  <ConfirmButton
                    label={t('admin.deleteGroup')}
                    question={t('admin.deleteGroupConfirm', { name: g.name })}
                    disabled={action.busy}
                    testId={`group-delete-${g.id}`}
                    onConfirm={() =>
                      void action.run(async () => {
                        await api.deleteGroup(g.id);
                        await load();
                      })
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
