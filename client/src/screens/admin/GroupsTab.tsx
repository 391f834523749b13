import type { Unit, UnitGroup } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { AdminError } from './AdminError';

/**
 * Saved groups of units ("all 126 communes of Hà Nội", "the eastern wards"): a meeting invites a
 * group instead of listing its sites one by one. The server expands provinces into their wards
 * when the group is created, so a group keeps its members if the directory changes later.
 */
export function GroupsTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const [groups, setGroups] = useState<UnitGroup[]>([]);
  const [provinces, setProvinces] = useState<Unit[]>([]);
  const [name, setName] = useState('');
  const [province, setProvince] = useState('');
  const [codes, setCodes] = useState('');
  const action = useAction();
  const load = useCallback(
    () =>
      action.run(async () => {
        const [g, p] = await Promise.all([api.groups(), api.units({ tier: 'province' })]);
        setGroups(g);
        setProvinces(p);
      }),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const unitCodes = codes.split(/[\s,;]+/).filter(Boolean);

  return (
    <section className="panel" aria-labelledby="groups-title">
      <h2 id="groups-title">{t('admin.groups', { count: groups.length })}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.createGroup({
              name: name.trim(),
              ...(province ? { provinceCodes: [province] } : {}),
              ...(unitCodes.length ? { unitCodes } : {}),
            });
            setName('');
            setProvince('');
            setCodes('');
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
        <label>
          {t('admin.groupProvinces')}
          <select
            value={province}
            onChange={(e) => setProvince(e.target.value)}
            data-testid="group-province"
          >
            <option value="">{t('common.none')}</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {p.fullName}
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          {t('admin.groupUnits')}
          <input
            value={codes}
            onChange={(e) => setCodes(e.target.value)}
            data-testid="group-units"
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={action.busy || !name.trim() || (!province && unitCodes.length === 0)}
          data-testid="group-create"
        >
          {t('admin.createGroup')}
        </button>
      </form>
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
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={action.busy}
                    data-testid={`group-delete-${g.id}`}
                    onClick={() =>
                      void action.run(async () => {
                        await api.deleteGroup(g.id);
                        await load();
                      })
                    }
                  >
                    {t('admin.deleteGroup')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
