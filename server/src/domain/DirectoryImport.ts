import type { ImportRejection, Unit } from '@giaoban/shared';

export interface ImportOutcome {
  units: Unit[];
  rejected: ImportRejection[];
}

const CODE = /^\d{2,6}$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * Reads provinces shaped like vn-admin-units-2025.json (`[{Type:"province", Code, Name, ...,
 * Wards:[{Type:"ward", Code, ...}]}]`). Every unusable entry is reported with its index path and
 * why; the rest are imported. A duplicate code keeps the first occurrence.
 */
export function parseUnitsJson(data: unknown): ImportOutcome {
  const units: Unit[] = [];
  const rejected: ImportRejection[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(data)) {
    return { units, rejected: [{ row: '(root)', reason: 'expected an array of provinces' }] };
  }
  const take = (row: string, raw: unknown, tier: Unit['tier'], parentCode?: string): boolean => {
    if (typeof raw !== 'object' || raw === null) {
      rejected.push({ row, reason: 'not an object' });
      return false;
    }
    const bad = (reason: string): false => {
      rejected.push({ row, reason });
      return false;
    };
    const r = raw as Record<string, unknown>;
    const code = str(r.Code);
    const name = str(r.Name);
    if (!code) return bad('missing Code');
    if (!CODE.test(code)) return bad(`Code "${code}" is not 2–6 digits`);
    if (!name) return bad(`${code}: missing Name`);
    const expectedType = tier;
    if (r.Type !== undefined && r.Type !== expectedType) {
      return bad(`${code}: Type "${String(r.Type)}", expected "${expectedType}"`);
    }
    if (tier === 'ward' && r.ProvinceCode !== undefined && r.ProvinceCode !== parentCode) {
      return bad(
        `${code}: ProvinceCode "${String(r.ProvinceCode)}" differs from its province "${parentCode}"`,
      );
    }
    if (seen.has(code)) return bad(`${code}: duplicate code`);
    seen.add(code);
    const kind = str(r.AdministrativeUnitShortName) ?? (tier === 'province' ? 'Tỉnh' : 'Xã');
    const unit: Unit = {
      code,
      tier,
      name,
      fullName: str(r.FullName) ?? `${kind} ${name}`,
      kind,
    };
    const nameEn = str(r.NameEn);
    if (nameEn) unit.nameEn = nameEn;
    if (parentCode) unit.parentCode = parentCode;
    units.push(unit);
    return true;
  };
  data.forEach((p, i) => {
    const row = `[${i}]`;
    if (!take(row, p, 'province')) return;
    const province = units.at(-1)!;
    const wards = (p as Record<string, unknown>).Wards;
    if (wards === undefined) return;
    if (!Array.isArray(wards)) {
      rejected.push({ row: `${row}.Wards`, reason: `${province.code}: Wards is not an array` });
      return;
    }
    for (const [j, w] of wards.entries()) take(`${row}.Wards[${j}]`, w, 'ward', province.code);
  });
  return { units, rejected };
}

/** Minimal RFC 4180 reader: quotes, doubled quotes, CRLF/LF, commas inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const CSV_COLUMNS = ['code', 'name', 'fullName', 'tier', 'kind', 'parentCode', 'nameEn'] as const;

/**
 * CSV with a header naming at least code,name,tier (columns: code,name,fullName,tier,kind,
 * parentCode,nameEn in any order). Rows are reported by line number (header = line 1).
 */
export function parseUnitsCsv(
  text: string,
  knownProvinces: ReadonlySet<string> = new Set(),
): ImportOutcome {
  const units: Unit[] = [];
  const rejected: ImportRejection[] = [];
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim());
  if (!header || !['code', 'name', 'tier'].every((h) => header.includes(h))) {
    return { units, rejected: [{ row: '1', reason: 'header must name at least code,name,tier' }] };
  }
  const col = Object.fromEntries(CSV_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof CSV_COLUMNS)[number],
    number
  >;
  const seen = new Set<string>();
  const provinces = new Set(knownProvinces);
  // Provinces first so wards can point at provinces defined further down the same file.
  for (const r of rows.slice(1))
    if (r[col.tier]?.trim() === 'province') provinces.add(r[col.code]?.trim() ?? '');
  for (const [i, r] of rows.slice(1).entries()) {
    const line = String(i + 2);
    if (r.length === 1 && r[0]!.trim() === '') continue; // blank line
    const reject = (reason: string) => {
      rejected.push({ row: line, reason });
    };
    const get = (k: (typeof CSV_COLUMNS)[number]) => (col[k] >= 0 ? (r[col[k]]?.trim() ?? '') : '');
    const code = get('code');
    const name = get('name');
    const tier = get('tier');
    const parentCode = get('parentCode');
    let problem: string | undefined;
    if (!code) problem = 'missing code';
    else if (!CODE.test(code)) problem = `code "${code}" is not 2–6 digits`;
    else if (!name) problem = `${code}: missing name`;
    else if (tier !== 'province' && tier !== 'ward') {
      problem = `${code}: tier "${tier}" must be province or ward`;
    } else if (tier === 'ward' && !parentCode) problem = `${code}: ward without parentCode`;
    else if (tier === 'ward' && !provinces.has(parentCode)) {
      problem = `${code}: unknown province "${parentCode}"`;
    } else if (seen.has(code)) problem = `${code}: duplicate code`;
    if (problem !== undefined || (tier !== 'province' && tier !== 'ward')) {
      reject(problem ?? 'invalid row');
      continue;
    }
    seen.add(code);
    const kind = get('kind') || (tier === 'province' ? 'Tỉnh' : 'Xã');
    const unit: Unit = { code, tier, name, fullName: get('fullName') || `${kind} ${name}`, kind };
    if (tier === 'ward') unit.parentCode = parentCode;
    const nameEn = get('nameEn');
    if (nameEn) unit.nameEn = nameEn;
    units.push(unit);
  }
  return { units, rejected };
}
