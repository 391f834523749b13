import type { Invitation } from '@giaoban/shared';
import { csvDocument, csvLine } from '@giaoban/shared/csv';
import { formatVnDateTime } from './vnDateTime';

/**
 * The invitation links of a meeting as one spreadsheet, for the secretary to send each ward its
 * own link (mail merge, Zalo, the province's document system). Same CSV rules as the attendance
 * export: BOM, CRLF, formulas neutralised — a site name comes from an imported directory. The
 * expiry is written as a Vietnamese date-time ("07:00 04/12/2026"), not an ISO timestamp.
 */
export function invitationsCsv(
  list: readonly Invitation[],
  headers: { code: string; site: string; link: string; expires: string },
): string {
  return csvDocument([
    csvLine([headers.code, headers.site, headers.link, headers.expires]),
    ...list.map((i) => csvLine([i.siteId, i.siteName, i.url, formatVnDateTime(i.expiresAt)])),
  ]);
}
