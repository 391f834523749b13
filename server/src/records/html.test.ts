import { describe, expect, test } from 'vitest';
import { buildFixture, HYPERLINK_NAME } from './fixture.js';
import { renderAttendanceHtml } from './index.js';

describe('renderAttendanceHtml', async () => {
  const { record, wards } = buildFixture();
  const html = renderAttendanceHtml(record);
  const specifier: string = 'jsdom';
  const { JSDOM } = (await import(specifier)) as {
    JSDOM: new (html: string) => { window: { document: Document } };
  };
  const doc = new JSDOM(html).window.document;

  test('is a standalone printable page: A4 landscape, header row repeated, no script', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(doc.documentElement.lang).toBe('vi');
    expect(html).toContain('@page { size: A4 landscape;');
    expect(html).toContain('thead { display: table-header-group; }');
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(doc.querySelectorAll('link, img, iframe')).toHaveLength(0);
  });

  test('has one row per invited site and the same summary as the other formats', () => {
    const rows = [...doc.querySelectorAll('table.attendance tbody tr')];
    expect(rows).toHaveLength(record.attendance.length);
    const first = [...(rows[0]?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
    expect(first.slice(0, 5)).toEqual([
      wards[0]?.Code,
      wards[0]?.FullName,
      'Đúng giờ',
      '26/11/2026 07:55:10',
      '26/11/2026 10:05:00',
    ]);
    const summary = new Map(
      [...doc.querySelectorAll('table.summary tr')].map((tr) => [
        tr.querySelector('th')?.textContent,
        tr.querySelector('td')?.textContent,
      ]),
    );
    expect(summary.get('Số điểm cầu được triệu tập')).toBe('7');
    expect(summary.get('Tổng số người dự tại các điểm cầu')).toBe('28');
  });

  test('escapes hostile names so they render as text', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    const names = [...doc.querySelectorAll('table.attendance tbody tr td:nth-child(2)')].map(
      (td) => td.textContent,
    );
    expect(names).toContain('<script>alert(1)</script>');
    expect(names).toContain(HYPERLINK_NAME);
    expect(renderAttendanceHtml(buildFixture().record)).toBe(html);
  });
});
