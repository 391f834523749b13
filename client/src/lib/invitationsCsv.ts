import type { Invitation } from '@giaoban/shared';
import { csvDocument, csvLine } from '@giaoban/shared/csv';

/**
 * The invitation links of a meeting as one spreadsheet, for the secretary to send each ward its
 * own link (mail merge, Zalo, the province's document system). Same CSV rules as the attendance
 * export: BOM, CRLF, formulas neutralised — a site name comes from an imported directory.
 */
export function invitationsCsv(
  list: readonly Invitation[],
  headers: { code: string; site: string; link: string; expires: string },
): string {
  return csvDocument([
    csvLine([headers.code, headers.site, headers.link, headers.expires]),
    ...list.map((i) => csvLine([i.siteId, i.siteName, i.url, i.expiresAt])),
  ]);
}
