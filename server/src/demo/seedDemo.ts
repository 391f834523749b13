import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Unit } from '@giaoban/shared';
import { SYSTEM_ACTOR } from '../domain/access';
import { parseUnitsJson } from '../domain/DirectoryImport';
import { defineMeeting } from '../domain/meetingDefinition';
import type { Hub } from '../Hub';

/** A handful of Hà Nội wards for when ../shared/data is absent. */
const FALLBACK_UNITS: Unit[] = [
  { code: '01', tier: 'province', name: 'Hà Nội', fullName: 'Thành phố Hà Nội', kind: 'Thành phố' },
  {
    code: '00004',
    tier: 'ward',
    name: 'Ba Đình',
    fullName: 'Phường Ba Đình',
    kind: 'Phường',
    parentCode: '01',
  },
  {
    code: '00008',
    tier: 'ward',
    name: 'Ngọc Hà',
    fullName: 'Phường Ngọc Hà',
    kind: 'Phường',
    parentCode: '01',
  },
  {
    code: '00025',
    tier: 'ward',
    name: 'Giảng Võ',
    fullName: 'Phường Giảng Võ',
    kind: 'Phường',
    parentCode: '01',
  },
  {
    code: '00070',
    tier: 'ward',
    name: 'Hoàn Kiếm',
    fullName: 'Phường Hoàn Kiếm',
    kind: 'Phường',
    parentCode: '01',
  },
  {
    code: '00082',
    tier: 'ward',
    name: 'Cửa Nam',
    fullName: 'Phường Cửa Nam',
    kind: 'Phường',
    parentCode: '01',
  },
];

export interface DemoPerson {
  id: string;
  username: string;
  password: string;
  name: string;
}

export interface DemoSeed {
  meetingId: string;
  source: 'reference-data' | 'fallback';
  people: Record<'admin' | 'chair' | 'secretary' | 'observer', DemoPerson>;
  /** Sites with a password account (the first few) and every site's invitation link. */
  sites: Array<{
    siteId: string;
    name: string;
    inviteToken: string;
    inviteUrl: string;
    username?: string;
    password?: string;
  }>;
}

export interface SeedOptions {
  /** Province whose wards are invited; '*' = every ward of the country. Default '01' (Hà Nội). */
  provinceCode?: string;
  /** Limit the number of invited sites. */
  maxSites?: number;
  /** How many sites also get a username/password account (scrypt is slow by design). */
  siteAccounts?: number;
  /** Random passwords (production) instead of the fixed demo ones. */
  randomPasswords?: boolean;
  /** Leave the meeting scheduled instead of opening it. */
  keepScheduled?: boolean;
}

/** Loads the directory, demo accounts and one briefing with an agenda; opens it for sites. */
export async function seedDemo(hub: Hub, opts: SeedOptions = {}): Promise<DemoSeed> {
  const { store } = hub;
  let units = FALLBACK_UNITS;
  let source: DemoSeed['source'] = 'fallback';
  if (existsSync(hub.config.unitsDataPath)) {
    const parsed = parseUnitsJson(JSON.parse(readFileSync(hub.config.unitsDataPath, 'utf8')));
    if (parsed.units.length > 0) {
      units = parsed.units;
      source = 'reference-data';
    }
  }
  await store.putUnits(units);
  const province = opts.provinceCode ?? '01';
  let wards = units.filter(
    (u) => u.tier === 'ward' && (province === '*' || u.parentCode === province),
  );
  if (opts.maxSites !== undefined) wards = wards.slice(0, opts.maxSites);
  const provinceUnit = units.find((u) => u.code === province);

  const pw = (fixed: string) =>
    opts.randomPasswords ? randomBytes(9).toString('base64url') : fixed;
  const person = async (
    role: 'admin' | 'chair' | 'secretary' | 'observer',
    username: string,
    name: string,
    title: string,
    fixed: string,
  ) => {
    const existing = await store.getAccountByUsername(username);
    const password = pw(fixed);
    if (existing) {
      await hub.accounts.update(existing.id, { password }, SYSTEM_ACTOR);
      return { id: existing.id, username, password, name: existing.displayName };
    }
    const acc = await hub.accounts.create(
      { username, password, displayName: name, role, title },
      SYSTEM_ACTOR,
    );
    return { id: acc.id, username, password, name };
  };
  const people = {
    admin: await person('admin', 'admin', 'Quản trị hệ thống', 'Quản trị viên', 'admin-giaoban'),
    chair: await person(
      'chair',
      'chutri',
      'Nguyễn Văn An',
      'Chủ tịch UBND Thành phố',
      'chutri-giaoban',
    ),
    secretary: await person(
      'secretary',
      'thuky',
      'Trần Thị Bình',
      'Chánh Văn phòng UBND Thành phố',
      'thuky-giaoban',
    ),
    observer: await person(
      'observer',
      'quansat',
      'Lê Văn Cường',
      'Thanh tra Thành phố',
      'quansat-giaoban',
    ),
  };

  const presenters = wards.slice(0, 2).map((w) => w.code);
  const start = new Date(hub.config.nodeEnv === 'test' ? Date.now() : Date.now() + 5 * 60_000);
  start.setSeconds(0, 0);
  const def = await defineMeeting(
    {
      title: `Giao ban trực tuyến ${provinceUnit?.fullName ?? 'toàn quốc'} với ${wards.length} xã, phường`,
      scheduledStart: start.toISOString(),
      chairId: people.chair.id,
      secretaryId: people.secretary.id,
      siteIds: wards.map((w) => w.code),
      agenda: [
        { title: 'Khai mạc, điểm danh các điểm cầu', plannedMinutes: 10 },
        {
          title: 'Báo cáo tình hình kinh tế - xã hội tháng 11',
          plannedMinutes: 30,
          presenterSiteIds: presenters,
        },
        { title: 'Ý kiến các xã, phường', plannedMinutes: 40 },
        { title: 'Kết luận của Chủ tịch', plannedMinutes: 15, presenterName: people.chair.name },
      ],
      lateGraceMinutes: 10,
      speakingLimitSeconds: 300,
      issuingBody: `ỦY BAN NHÂN DÂN ${(provinceUnit?.fullName ?? 'Thành phố Hà Nội').toLocaleUpperCase('vi')}`,
      place: provinceUnit?.name ?? 'Hà Nội',
      hostLocation: 'Trụ sở UBND Thành phố',
    },
    store,
    hub.directory,
  );
  await hub.meetings.create(def);
  await hub.meetings.transition(def.id, SYSTEM_ACTOR, 'scheduled');
  if (!opts.keepScheduled) await hub.meetings.transition(def.id, SYSTEM_ACTOR, 'open');

  const withAccounts = opts.siteAccounts ?? 3;
  const sites: DemoSeed['sites'] = [];
  const links = await hub.access.invitations.ensure(
    def.id,
    wards.map((w) => ({ siteId: w.code, siteName: w.fullName })),
    SYSTEM_ACTOR,
  );
  for (const [i, w] of wards.entries()) {
    const link = links[i]!;
    const entry: DemoSeed['sites'][number] = {
      siteId: w.code,
      name: w.fullName,
      inviteToken: link.token,
      inviteUrl: link.url,
    };
    if (i < withAccounts) {
      const username = `xa${w.code}`;
      const password = pw(`diemcau-${w.code}`);
      const existing = await store.getAccountByUsername(username);
      if (existing) await hub.accounts.update(existing.id, { password }, SYSTEM_ACTOR);
      else
        await hub.accounts.create(
          { username, password, displayName: w.fullName, role: 'site', siteId: w.code },
          SYSTEM_ACTOR,
        );
      entry.username = username;
      entry.password = password;
    }
    sites.push(entry);
  }
  return { meetingId: def.id, source, people, sites };
}
