import type { ImportRejection, Unit, UnitChange } from '@giaoban/shared';
import { type Options, parse } from 'csv-parse';

/**
 * Reading a unit directory (the 34 provinces and 3,321 communes, wards and special zones) from
 * the reference JSON or from a CSV an admin pastes, and planning what an import would change.
 * Nothing here writes: DirectoryService previews the plan and writes only when asked to.
 *
 * Every rejection carries its reason in English (`reason`) and Vietnamese (`reasonVi`).
 */
export interface ImportOutcome {
  units: Unit[];
  rejected: ImportRejection[];
  /** A problem with the whole file (no header, a quote never closed): nothing may be written. */
  fatal?: ImportRejection;
}

export interface ImportPlan {
  added: Unit[];
  changed: UnitChange[];
  unchanged: number;
  rejected: ImportRejection[];
  fatal?: ImportRejection;
}

/** What the CSV reader expects, said in the UI and in the header error. */
export const EXPECTED_CSV_HEADER = 'code,name,tier,parentCode[,fullName,kind,nameEn]';

const CODE = /^\d{2,6}$/;

const reject = (row: string, reason: string, reasonVi: string): ImportRejection => ({
  row,
  reason,
  reasonVi,
});

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The kinds of unit written before a name ("Phường Ba Đình"), longest first. */
const KINDS = ['Thành phố', 'Đặc khu', 'Phường', 'Tỉnh', 'Xã'] as const;
const PROVINCE_KINDS = new Set(['Thành phố', 'Tỉnh']);

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The tier column: English ("province", "ward", "commune", "special zone") or the official GSO
 * words with or without accents ("tỉnh", "thành phố", "phường", "xã", "đặc khu"). A specific word
 * also fixes the kind; the generic "ward" and "province" leave it to the name.
 */
const TIERS: Record<string, { tier: Unit['tier']; kind?: string }> = {
  province: { tier: 'province' },
  tinh: { tier: 'province', kind: 'Tỉnh' },
  'thanh pho': { tier: 'province', kind: 'Thành phố' },
  city: { tier: 'province', kind: 'Thành phố' },
  ward: { tier: 'ward' },
  phuong: { tier: 'ward', kind: 'Phường' },
  xa: { tier: 'ward', kind: 'Xã' },
  commune: { tier: 'ward', kind: 'Xã' },
  'dac khu': { tier: 'ward', kind: 'Đặc khu' },
  'special zone': { tier: 'ward', kind: 'Đặc khu' },
  'special administrative zone': { tier: 'ward', kind: 'Đặc khu' },
};

/** "Phường Ba Đình" → { kind: "Phường", short: "Ba Đình" }; no known kind → undefined. */
function splitKind(name: string): { kind: string; short: string } | undefined {
  for (const kind of KINDS) {
    if (fold(name).startsWith(`${fold(kind)} `)) {
      return { kind, short: name.slice(kind.length).trim() };
    }
  }
  return undefined;
}

/**
 * Reads provinces shaped like vn-admin-units-2025.json (`[{Type:"province", Code, Name, ...,
 * Wards:[{Type:"ward", Code, ...}]}]`). Every unusable entry is reported with its index path and
 * why; the rest are read. A duplicate code keeps the first occurrence.
 */
export function parseUnitsJson(data: unknown): ImportOutcome {
  const units: Unit[] = [];
  const rejected: ImportRejection[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(data)) {
    const fatal = reject('(root)', 'expected an array of provinces', 'cần một mảng các tỉnh/thành');
    return { units, rejected: [fatal], fatal };
  }
  const take = (row: string, raw: unknown, tier: Unit['tier'], parentCode?: string): boolean => {
    const bad = (reason: string, reasonVi: string): false => {
      rejected.push(reject(row, reason, reasonVi));
      return false;
    };
    if (typeof raw !== 'object' || raw === null)
      return bad('not an object', 'không phải một đối tượng');
    const r = raw as Record<string, unknown>;
    const code = str(r.Code);
    const name = str(r.Name);
    if (!code) return bad('missing Code', 'thiếu mã (Code)');
    if (!CODE.test(code))
      return bad(`Code "${code}" is not 2–6 digits`, `mã "${code}" không phải 2–6 chữ số`);
    if (!name) return bad(`${code}: missing Name`, `${code}: thiếu tên (Name)`);
    if (r.Type !== undefined && r.Type !== tier) {
      return bad(
        `${code}: Type "${String(r.Type)}", expected "${tier}"`,
        `${code}: loại "${String(r.Type)}", cần "${tier}"`,
      );
    }
    if (tier === 'ward' && r.ProvinceCode !== undefined && r.ProvinceCode !== parentCode) {
      return bad(
        `${code}: ProvinceCode "${String(r.ProvinceCode)}" differs from its province "${parentCode}"`,
        `${code}: mã tỉnh "${String(r.ProvinceCode)}" khác tỉnh chứa nó "${parentCode}"`,
      );
    }
    if (seen.has(code)) return bad(`${code}: duplicate code`, `${code}: mã bị trùng`);
    seen.add(code);
    // A Name that already carries its kind ("Xã Một") is split, never prefixed twice.
    const inName = str(r.FullName) ? undefined : splitKind(name);
    const fullName = str(r.FullName) ?? (inName ? name : undefined);
    const kind =
      str(r.AdministrativeUnitShortName) ??
      (fullName ? splitKind(fullName)?.kind : undefined) ??
      (tier === 'province' ? 'Tỉnh' : 'Xã');
    const unit: Unit = {
      code,
      tier,
      name: inName ? inName.short : name,
      fullName: fullName ?? `${kind} ${name}`,
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
      rejected.push(
        reject(
          `${row}.Wards`,
          `${province.code}: Wards is not an array`,
          `${province.code}: Wards không phải một mảng`,
        ),
      );
      return;
    }
    for (const [j, w] of wards.entries()) take(`${row}.Wards[${j}]`, w, 'ward', province.code);
  });
  return { units, rejected };
}

/** Header names the CSV reader understands, folded (English, or the GSO's Vietnamese). */
type Column = 'code' | 'name' | 'tier' | 'parentCode' | 'fullName' | 'kind' | 'nameEn';
const HEADER_ALIASES: Record<Column, readonly string[]> = {
  code: ['code', 'ma', 'ma don vi', 'ma dvhc'],
  name: ['name', 'ten', 'ten don vi', 'ten dvhc'],
  tier: ['tier', 'cap', 'loai', 'level'],
  parentCode: ['parentcode', 'parent code', 'ma tinh', 'ma tinh/thanh pho', 'province code'],
  fullName: ['fullname', 'full name', 'ten day du'],
  kind: ['kind', 'loai don vi'],
  nameEn: ['nameen', 'name en', 'ten tieng anh'],
};

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

const BREAKS = /\r\n|\r|\n/g;

/** csv-parse over the whole text; records with their starting line, or the file's fatal error. */
function readCsv(text: string): Promise<{ records: CsvRecord[]; fatal?: ImportRejection }> {
  return new Promise((resolve) => {
    const records: CsvRecord[] = [];
    let lastLine = 0;
    type Raw = { record: string[]; raw: string };
    const options: Options<string[], Raw> = {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      raw: true,
      // Called as each record completes: `lines` is the line it ends on; the raw text (blank
      // lines before it included) tells where it started.
      on_record: (r, ctx) => {
        const body = r.raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
        const inner = body.match(BREAKS)?.length ?? 0;
        records.push({ fields: r.record, line: ctx.lines - inner });
        lastLine = ctx.lines;
        return r.record;
      },
    };
    // csv-parse types `raw: true` records as the plain ones; the callback above gets { record, raw }.
    const parser = parse(options as unknown as Options);
    parser.on('data', () => {});
    parser.on('error', (err: Error & { code?: string }) => {
      // The record that failed starts on the first non-blank line after the last good one.
      const lines = text.split(BREAKS);
      let n = lastLine + 1;
      while (n <= lines.length && (lines[n - 1] ?? '').trim() === '') n++;
      const at = String(Math.min(n, lines.length));
      const fatal =
        err.code === 'CSV_QUOTE_NOT_CLOSED'
          ? reject(
              at,
              `a quote opened on line ${at} is never closed: the file is not read past it, nothing is imported`,
              `dấu ngoặc kép mở ở dòng ${at} không được đóng: tệp không đọc được từ đó, không nhập gì`,
            )
          : reject(
              at,
              `malformed CSV near line ${at} (${err.code ?? err.message}): nothing is imported`,
              `CSV sai định dạng gần dòng ${at} (${err.code ?? err.message}): không nhập gì`,
            );
      resolve({ records, fatal });
    });
    parser.on('end', () => resolve({ records }));
    parser.write(text);
    parser.end();
  });
}

/**
 * CSV with a header row naming at least code, name, tier (and parentCode for communes); columns
 * in any order, English or the GSO's Vietnamese names. Rows are reported by their line number
 * (header = line 1). A kind written in the name ("Phường Ba Đình") is taken from it, never added
 * twice ("Xã Phường Ba Đình"); a tier word that contradicts it is a rejection.
 */
export async function parseUnitsCsv(
  text: string,
  knownProvinces: ReadonlySet<string> = new Set(),
): Promise<ImportOutcome> {
  const units: Unit[] = [];
  const rejected: ImportRejection[] = [];
  const { records, fatal } = await readCsv(text);
  if (fatal) return { units, rejected: [fatal], fatal };
  const header = records[0]?.fields.map(fold) ?? [];
  const col = Object.fromEntries(
    (Object.keys(HEADER_ALIASES) as Column[]).map((c) => [
      c,
      header.findIndex((h) => HEADER_ALIASES[c].includes(h)),
    ]),
  ) as Record<Column, number>;
  const missing = (['code', 'name', 'tier'] as const).filter((c) => col[c] < 0);
  if (missing.length > 0) {
    const f = reject(
      '1',
      `the header has no ${missing.join(', ')} column; expected: ${EXPECTED_CSV_HEADER}`,
      `dòng tiêu đề thiếu cột ${missing.join(', ')}; cần: ${EXPECTED_CSV_HEADER}`,
    );
    return { units, rejected: [f], fatal: f };
  }
  const get = (r: CsvRecord, k: Column) => (col[k] >= 0 ? (r.fields[col[k]] ?? '').trim() : '');
  const body = records.slice(1);
  const provinces = new Set(knownProvinces);
  // Provinces first, so wards may name a province defined further down the same file.
  for (const r of body) {
    if (TIERS[fold(get(r, 'tier'))]?.tier === 'province') provinces.add(get(r, 'code'));
  }
  const firstLine = new Map<string, number>();
  for (const r of body) {
    const line = String(r.line);
    const no = (reason: string, reasonVi: string) => rejected.push(reject(line, reason, reasonVi));
    const code = get(r, 'code');
    const rawName = get(r, 'name');
    const tierWord = get(r, 'tier');
    const parentCode = get(r, 'parentCode');
    const tier = TIERS[fold(tierWord)];
    if (!code) {
      no('missing code', 'thiếu mã');
      continue;
    }
    if (!CODE.test(code)) {
      no(`code "${code}" is not 2–6 digits`, `mã "${code}" không phải 2–6 chữ số`);
      continue;
    }
    if (!rawName) {
      no(`${code}: missing name`, `${code}: thiếu tên`);
      continue;
    }
    if (!tier) {
      no(
        `${code}: tier "${tierWord}" is not one of province, ward, commune, special zone, tỉnh, thành phố, phường, xã, đặc khu`,
        `${code}: cấp "${tierWord}" không phải tỉnh, thành phố, phường, xã, đặc khu (hoặc province, ward, commune)`,
      );
      continue;
    }
    const seen = firstLine.get(code);
    if (seen !== undefined) {
      no(
        `${code}: duplicate code (first on line ${seen})`,
        `${code}: mã bị trùng (đã có ở dòng ${seen})`,
      );
      continue;
    }
    if (tier.tier === 'ward' && !parentCode) {
      no(
        `${code}: a commune or ward needs parentCode`,
        `${code}: xã, phường cần mã tỉnh (parentCode)`,
      );
      continue;
    }
    if (tier.tier === 'ward' && !provinces.has(parentCode)) {
      no(
        `${code}: unknown province "${parentCode}"`,
        `${code}: không có tỉnh/thành mã "${parentCode}"`,
      );
      continue;
    }
    if (tier.tier === 'province' && parentCode) {
      no(
        `${code}: a province has no parentCode (got "${parentCode}")`,
        `${code}: tỉnh/thành không có mã tỉnh cha (có "${parentCode}")`,
      );
      continue;
    }
    const fromName = splitKind(rawName);
    const given = get(r, 'kind');
    const kinds = [given, tier.kind, fromName?.kind].filter((k): k is string => !!k);
    const kind = kinds[0] ?? (tier.tier === 'province' ? 'Tỉnh' : 'Phường');
    const conflict = kinds.find((k) => fold(k) !== fold(kind));
    if (conflict) {
      no(
        `${code}: the name says "${fromName?.kind ?? given}" but the ${given ? 'kind' : 'tier'} says "${given || tierWord}"`,
        `${code}: tên ghi "${fromName?.kind ?? given}" nhưng ${given ? 'loại' : 'cấp'} ghi "${given || tierWord}"`,
      );
      continue;
    }
    if (PROVINCE_KINDS.has(kind) !== (tier.tier === 'province')) {
      no(
        `${code}: "${kind}" is not a ${tier.tier === 'province' ? 'province' : 'commune or ward'}`,
        `${code}: "${kind}" không phải ${tier.tier === 'province' ? 'tỉnh/thành' : 'xã, phường, đặc khu'}`,
      );
      continue;
    }
    firstLine.set(code, r.line);
    const name = fromName ? fromName.short : rawName;
    const unit: Unit = {
      code,
      tier: tier.tier,
      name,
      fullName: get(r, 'fullName') || `${kind} ${name}`,
      kind,
    };
    if (tier.tier === 'ward') unit.parentCode = parentCode;
    const nameEn = get(r, 'nameEn');
    if (nameEn) unit.nameEn = nameEn;
    units.push(unit);
  }
  return { units, rejected };
}

const FIELDS = ['tier', 'name', 'fullName', 'kind', 'parentCode', 'nameEn'] as const;

/**
 * What importing `incoming` over `existing` would do: new units, changed ones with a diff per
 * field, how many are unchanged. A field the file does not carry (nameEn) keeps its stored value.
 */
export function planImport(
  outcome: ImportOutcome,
  existing: ReadonlyMap<string, Unit>,
): ImportPlan {
  const added: Unit[] = [];
  const changed: UnitChange[] = [];
  let unchanged = 0;
  for (const u of outcome.units) {
    const before = existing.get(u.code);
    if (!before) {
      added.push(u);
      continue;
    }
    const after: Unit = { ...u };
    if (after.nameEn === undefined && before.nameEn !== undefined) after.nameEn = before.nameEn;
    const fields = FIELDS.filter((f) => (before[f] ?? '') !== (after[f] ?? '')).map((f) => ({
      field: f,
      before: before[f] ?? '',
      after: after[f] ?? '',
    }));
    if (fields.length === 0) unchanged++;
    else changed.push({ code: u.code, before, after, fields });
  }
  const plan: ImportPlan = { added, changed, unchanged, rejected: outcome.rejected };
  if (outcome.fatal) plan.fatal = outcome.fatal;
  return plan;
}
