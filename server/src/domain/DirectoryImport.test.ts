import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Unit } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../config/Config';
import { parseUnitsCsv, parseUnitsJson, planImport } from './DirectoryImport';

const dataPath = path.resolve(repoRoot, '../shared/data/vn-admin-units-2025.json');

describe('parseUnitsJson', () => {
  it.skipIf(!existsSync(dataPath))(
    'imports the 2025 reference data: 34 provinces, 3,321 wards, Hà Nội 126',
    () => {
      const { units, rejected } = parseUnitsJson(JSON.parse(readFileSync(dataPath, 'utf8')));
      expect(rejected).toEqual([]);
      expect(units.filter((u) => u.tier === 'province')).toHaveLength(34);
      expect(units.filter((u) => u.tier === 'ward')).toHaveLength(3321);
      expect(units.filter((u) => u.parentCode === '01')).toHaveLength(126);
      expect(units.find((u) => u.code === '00004')).toMatchObject({
        fullName: 'Phường Ba Đình',
        kind: 'Phường',
        parentCode: '01',
      });
    },
  );

  it('reports each rejected entry with its path and reason, imports the rest', () => {
    const { units, rejected } = parseUnitsJson([
      {
        Type: 'province',
        Code: '01',
        Name: 'Hà Nội',
        FullName: 'Thành phố Hà Nội',
        AdministrativeUnitShortName: 'Thành phố',
        Wards: [
          { Type: 'ward', Code: '00004', Name: 'Ba Đình', ProvinceCode: '01' },
          { Type: 'ward', Code: '00004', Name: 'Trùng', ProvinceCode: '01' },
          { Type: 'ward', Code: 'AB', Name: 'Sai mã', ProvinceCode: '01' },
          { Type: 'ward', Code: '00010', ProvinceCode: '01' },
          { Type: 'ward', Code: '00011', Name: 'Sai tỉnh', ProvinceCode: '79' },
          { Type: 'province', Code: '00012', Name: 'Sai loại' },
          'junk',
        ],
      },
      { Type: 'province', Name: 'Không mã' },
      { Type: 'province', Code: '79', Name: 'Hồ Chí Minh', Wards: 'x' },
    ]);
    expect(units.map((u) => u.code)).toEqual(['01', '00004', '79']);
    expect(rejected.map(({ row, reason }) => ({ row, reason }))).toEqual([
      { row: '[0].Wards[1]', reason: '00004: duplicate code' },
      { row: '[0].Wards[2]', reason: 'Code "AB" is not 2–6 digits' },
      { row: '[0].Wards[3]', reason: '00010: missing Name' },
      { row: '[0].Wards[4]', reason: '00011: ProvinceCode "79" differs from its province "01"' },
      { row: '[0].Wards[5]', reason: '00012: Type "province", expected "ward"' },
      { row: '[0].Wards[6]', reason: 'not an object' },
      { row: '[1]', reason: 'missing Code' },
      { row: '[2].Wards', reason: '79: Wards is not an array' },
    ]);
  });

  it('rejects a non-array root', () => {
    expect(parseUnitsJson({}).fatal).toEqual({
      row: '(root)',
      reason: 'expected an array of provinces',
      reasonVi: 'cần một mảng các tỉnh/thành',
    });
  });
});

const hanoi: Unit = {
  code: '01',
  tier: 'province',
  name: 'Hà Nội',
  fullName: 'Thành phố Hà Nội',
  kind: 'Thành phố',
};
const baDinh: Unit = {
  code: '00004',
  tier: 'ward',
  name: 'Ba Đình',
  fullName: 'Phường Ba Đình',
  kind: 'Phường',
  parentCode: '01',
  nameEn: 'Ba Dinh Ward',
};
const reasons = (o: { rejected: Array<{ row: string; reason: string }> }) =>
  o.rejected.map((r) => `${r.row}: ${r.reason}`);

describe('CSV import', () => {
  it('keeps the kind written in the name: "Phường Ba Đình" is not renamed "Xã Phường Ba Đình"', async () => {
    // The reported bug: this row answered "imported 1 unit" and renamed 00004 to a Xã.
    const out = await parseUnitsCsv(
      'code,name,tier,parentCode\n00004,Phường Ba Đình,ward,01',
      new Set(['01']),
    );
    expect(out.rejected).toEqual([]);
    expect(out.units).toEqual([
      {
        code: '00004',
        tier: 'ward',
        name: 'Ba Đình',
        fullName: 'Phường Ba Đình',
        kind: 'Phường',
        parentCode: '01',
      },
    ]);
    // Against the stored directory it changes nothing (nameEn, absent from the file, is kept).
    const plan = planImport(
      out,
      new Map([
        ['01', hanoi],
        ['00004', baDinh],
      ]),
    );
    expect(plan).toMatchObject({ added: [], changed: [], unchanged: 1 });
  });

  it('accepts the GSO words for the tier, with or without accents, and English', async () => {
    const csv = [
      'Mã,Tên,Cấp,Mã tỉnh',
      '01,Thành phố Hà Nội,Thành phố,',
      '00004,Ba Đình,phường,01',
      '00100,Xã Sóc Sơn,xa,01',
      '00200,Bạch Long Vĩ,đặc khu,01',
      '00300,Minh Châu,commune,01',
      '00400,Phường Láng,ward,01',
    ].join('\r\n');
    const out = await parseUnitsCsv(csv);
    expect(out.rejected).toEqual([]);
    expect(out.units.map((u) => `${u.code} ${u.kind} | ${u.fullName}`)).toEqual([
      '01 Thành phố | Thành phố Hà Nội',
      '00004 Phường | Phường Ba Đình',
      '00100 Xã | Xã Sóc Sơn',
      '00200 Đặc khu | Đặc khu Bạch Long Vĩ',
      '00300 Xã | Xã Minh Châu',
      '00400 Phường | Phường Láng',
    ]);
  });

  it('previews a change as a diff per field', async () => {
    const out = await parseUnitsCsv(
      'code,name,tier,parentCode\n00004,Phường Ba Đình Mới,ward,01\n00008,Phường Ngọc Hà,ward,01',
      new Set(['01']),
    );
    const plan = planImport(
      out,
      new Map([
        ['01', hanoi],
        ['00004', baDinh],
      ]),
    );
    expect(plan.added.map((u) => u.code)).toEqual(['00008']);
    expect(plan.changed).toHaveLength(1);
    expect(plan.changed[0]!.fields).toEqual([
      { field: 'name', before: 'Ba Đình', after: 'Ba Đình Mới' },
      { field: 'fullName', before: 'Phường Ba Đình', after: 'Phường Ba Đình Mới' },
    ]);
    expect(plan.changed[0]!.after.nameEn).toBe('Ba Dinh Ward');
  });

  it('rejects a duplicate code, an unknown parent and a contradicting kind, in both languages', async () => {
    const csv = [
      'code,name,tier,parentCode',
      '00004,Phường Ba Đình,ward,01',
      '00004,Phường Trùng,ward,01',
      '00008,Phường Ngọc Hà,ward,99',
      '00009,Phường Sai,xã,01',
      ',Không mã,ward,01',
      '00010,,ward,01',
      '00011,Xã Y,village,01',
      '00012,Xã Z,ward,',
      '02,Tỉnh Hà Giang,province,01',
    ].join('\n');
    const out = await parseUnitsCsv(csv, new Set(['01']));
    expect(out.units.map((u) => u.code)).toEqual(['00004']);
    expect(reasons(out)).toEqual([
      '3: 00004: duplicate code (first on line 2)',
      '4: 00008: unknown province "99"',
      '5: 00009: the name says "Phường" but the tier says "xã"',
      '6: missing code',
      '7: 00010: missing name',
      expect.stringMatching(/^8: 00011: tier "village" is not one of province, ward, commune/),
      '9: 00012: a commune or ward needs parentCode',
      '10: 02: a province has no parentCode (got "01")',
    ]);
    expect(out.rejected.map((r) => r.reasonVi)).toEqual([
      '00004: mã bị trùng (đã có ở dòng 2)',
      '00008: không có tỉnh/thành mã "99"',
      '00009: tên ghi "Phường" nhưng cấp ghi "xã"',
      'thiếu mã',
      '00010: thiếu tên',
      expect.stringMatching(
        /^00011: cấp "village" không phải tỉnh, thành phố, phường, xã, đặc khu/,
      ),
      '00012: xã, phường cần mã tỉnh (parentCode)',
      '02: tỉnh/thành không có mã tỉnh cha (có "01")',
    ]);
  });

  it('refuses a file whose quote is never closed instead of swallowing the rows after it', async () => {
    const csv = [
      'code,name,tier,parentCode',
      '00004,Phường Ba Đình,ward,01',
      '00008,"Phường Ngọc Hà,ward,01',
      '00009,Phường Giảng Võ,ward,01',
      '00004,Phường Trùng,ward,01',
    ].join('\n');
    const out = await parseUnitsCsv(csv, new Set(['01']));
    expect(out.fatal).toMatchObject({ row: '3' });
    expect(out.fatal!.reason).toContain('a quote opened on line 3 is never closed');
    expect(out.fatal!.reasonVi).toContain('dấu ngoặc kép mở ở dòng 3 không được đóng');
    expect(out.units).toEqual([]);
  });

  it('reads quotes, doubled quotes, commas, CRLF and a BOM', async () => {
    const out = await parseUnitsCsv(
      '\uFEFFcode,name,tier,parentCode,nameEn\r\n00004,"Phường ""Ba"" Đình",ward,01,"Ba Dinh, Hanoi"\r\n',
      new Set(['01']),
    );
    expect(out.units[0]).toMatchObject({ name: '"Ba" Đình', nameEn: 'Ba Dinh, Hanoi' });
  });

  it('says which columns the header lacks and what it expects', async () => {
    const out = await parseUnitsCsv('a,b\n1,2');
    expect(out.fatal?.reason).toBe(
      'the header has no code, name, tier column; expected: code,name,tier,parentCode[,fullName,kind,nameEn]',
    );
    expect(out.fatal?.reasonVi).toContain('dòng tiêu đề thiếu cột code, name, tier');
  });
});
