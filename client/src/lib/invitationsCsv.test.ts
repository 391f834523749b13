import type { Invitation } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { invitationsCsv } from './invitationsCsv';

const inv = (siteId: string, siteName: string): Invitation => ({
  invitationId: `inv_${siteId}`,
  singleBrowser: false,
  siteId,
  siteName,
  token: `tok-${siteId}`,
  url: `https://giaoban.example.vn/join/tok-${siteId}`,
  expiresAt: '2026-12-04T00:00:00.000Z',
});
const headers = { code: 'Mã', site: 'Điểm cầu', link: 'Đường dẫn', expires: 'Hết hạn' };

describe('invitationsCsv', () => {
  it('writes a BOM, a header and one CRLF line per site, the expiry as a Vietnamese time', () => {
    const csv = invitationsCsv(
      [inv('00004', 'Phường Ba Đình'), inv('00008', 'Phường Ngọc Hà')],
      headers,
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Mã,Điểm cầu,Đường dẫn,Hết hạn',
      '00004,Phường Ba Đình,https://giaoban.example.vn/join/tok-00004,07:00 04/12/2026',
      '00008,Phường Ngọc Hà,https://giaoban.example.vn/join/tok-00008,07:00 04/12/2026',
      '',
    ]);
  });

  it('keeps a hostile site name inert and quoted', () => {
    const csv = invitationsCsv(
      [inv('1', '=HYPERLINK("http://x","y")'), inv('2', '@SUM(1,2)')],
      headers,
    );
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(
      `1,"'=HYPERLINK(""http://x"",""y"")",https://giaoban.example.vn/join/tok-1,07:00 04/12/2026`,
    );
    expect(lines[2]).toBe(`2,"'@SUM(1,2)",https://giaoban.example.vn/join/tok-2,07:00 04/12/2026`);
  });
});
