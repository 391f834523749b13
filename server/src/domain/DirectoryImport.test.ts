import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../config/Config';
import { parseCsv, parseUnitsCsv, parseUnitsJson } from './DirectoryImport';

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
    expect(rejected).toEqual([
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
    expect(parseUnitsJson({}).rejected).toEqual([
      { row: '(root)', reason: 'expected an array of provinces' },
    ]);
  });
});

describe('CSV', () => {
  it('parses quotes, doubled quotes, commas and CRLF, with a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });

  it('imports units by header and reports rejected lines by number', () => {
    const csv = [
      'code,name,tier,kind,parentCode,fullName',
      '01,Hà Nội,province,Thành phố,,Thành phố Hà Nội',
      '00004,Ba Đình,ward,Phường,01,Phường Ba Đình',
      '00008,Ngọc Hà,ward,Phường,99,',
      ',Không mã,ward,Xã,01,',
      '00009,,ward,Xã,01,',
      '00010,Xã X,village,Xã,01,',
      '00004,Trùng,ward,Phường,01,',
      '00011,Xã Y,ward,Xã,,',
      '',
    ].join('\n');
    const { units, rejected } = parseUnitsCsv(csv);
    expect(units.map((u) => u.code)).toEqual(['01', '00004']);
    expect(rejected).toEqual([
      { row: '4', reason: '00008: unknown province "99"' },
      { row: '5', reason: 'missing code' },
      { row: '6', reason: '00009: missing name' },
      { row: '7', reason: '00010: tier "village" must be province or ward' },
      { row: '8', reason: '00004: duplicate code' },
      { row: '9', reason: '00011: ward without parentCode' },
    ]);
  });

  it('needs a header with code,name,tier', () => {
    expect(parseUnitsCsv('a,b\n1,2').rejected).toEqual([
      { row: '1', reason: 'header must name at least code,name,tier' },
    ]);
  });
});
