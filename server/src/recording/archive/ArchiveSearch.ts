import {
  ARCHIVE_ROLES,
  ARCHIVE_SEARCH_LIMIT,
  type ArchiveMeetingRow,
  type ArchiveSearchQuery,
  type ArchiveSearchResult,
  type Grant,
  type Unit,
} from '@giaoban/shared';
import { meetingRole } from '../../domain/access';
import type { MeetingService } from '../../domain/MeetingService';
import type { Store } from '../../store/Store';
import { localDay } from '../MeetingArchive';

/** Lower case without diacritics ("Hoàn Kiếm" → "hoan kiem", "Đ" → "d"): how people type. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const words = (s: string | undefined) => (s ? fold(s).split(' ').filter(Boolean) : []);
const hasAll = (haystack: string, ws: readonly string[]) => ws.every((w) => haystack.includes(w));

const ZONE = 'Asia/Ho_Chi_Minh';

export interface ArchiveSearchDeps {
  store: Pick<Store, 'listMeetingIds' | 'getMeeting' | 'meetingStatus' | 'listUnits'>;
  meetings: Pick<MeetingService, 'fold'>;
}

/**
 * Finds closed meetings in the archive the caller may open (admins: all; a chair or secretary:
 * their own), by title words, a unit and the meeting's day. A unit matches an invited ward (or
 * its province) by name, or the issuing body, host point or place, so "Hoàn Kiếm" finds the
 * briefings that ward took part in as well as those it held.
 */
export class ArchiveSearch {
  constructor(private readonly d: ArchiveSearchDeps) {}

  async search(grant: Grant, q: ArchiveSearchQuery): Promise<ArchiveSearchResult> {
    const titleWords = words(q.q);
    const unitWords = words(q.unit);
    const units = unitWords.length > 0 ? await this.unitIndex() : null;
    const rows: ArchiveMeetingRow[] = [];
    for (const id of await this.d.store.listMeetingIds()) {
      const def = await this.d.store.getMeeting(id);
      if (!def) continue;
      try {
        if (!ARCHIVE_ROLES.includes(meetingRole(grant, def))) continue;
      } catch {
        continue;
      }
      let state = (await this.d.store.meetingStatus(id))?.state;
      if (state === undefined) state = (await this.d.meetings.fold(id)).meeting.state;
      if (state !== 'closed') continue;
      const day = localDay(def.scheduledStart, ZONE);
      if (q.from && day < q.from) continue;
      if (q.to && day > q.to) continue;
      if (!hasAll(fold(`${def.title} ${def.documentNumber ?? ''}`), titleWords)) continue;
      const matchedUnits: string[] = [];
      if (units) {
        const own = fold(
          [def.issuingBody, def.parentBody, def.hostLocation, def.place].filter(Boolean).join(' '),
        );
        for (const code of def.siteIds) {
          const u = units.get(code);
          if (u && hasAll(u.folded, unitWords)) {
            matchedUnits.push(u.fullName);
            if (matchedUnits.length >= 5) break;
          }
        }
        if (matchedUnits.length === 0 && !hasAll(own, unitWords)) continue;
      }
      rows.push({
        id: def.id,
        title: def.title,
        scheduledStart: def.scheduledStart,
        issuingBody: def.issuingBody,
        ...(def.documentNumber ? { documentNumber: def.documentNumber } : {}),
        siteCount: def.siteIds.length,
        matchedUnits,
      });
    }
    rows.sort((a, b) => b.scheduledStart.localeCompare(a.scheduledStart));
    return {
      meetings: rows.slice(0, ARCHIVE_SEARCH_LIMIT),
      more: rows.length > ARCHIVE_SEARCH_LIMIT,
    };
  }

  /** Each unit's full name with its province's, folded ("phuong hoan kiem thanh pho ha noi"). */
  private async unitIndex(): Promise<Map<string, { fullName: string; folded: string }>> {
    const all: Unit[] = await this.d.store.listUnits();
    const byCode = new Map(all.map((u) => [u.code, u] as const));
    const out = new Map<string, { fullName: string; folded: string }>();
    for (const u of all) {
      const parent = u.parentCode ? byCode.get(u.parentCode) : undefined;
      out.set(u.code, {
        fullName: parent ? `${u.fullName}, ${parent.fullName}` : u.fullName,
        folded: fold(`${u.fullName} ${u.name} ${parent?.fullName ?? ''}`),
      });
    }
    return out;
  }
}
