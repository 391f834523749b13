import { afterEach, describe, expect, test } from 'vitest';
import { buildFixture, HYPERLINK_NAME, SCRIPT_NAME } from './fixture.js';
import { renderAttendanceXlsx } from './index.js';
import { all, libreOfficeToPdf, one, openZip, parseXml, pdfText, pdfWords } from './testkit.js';
import { estimateLines } from './xlsx.js';

const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const CT = 'http://schemas.openxmlformats.org/package/2006/content-types';
const REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Excel serial of a wall-clock time, computed independently of the renderer. */
const serial = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  (Date.UTC(y, mo - 1, d, h, mi, s) - Date.UTC(1899, 11, 30)) / 86_400_000;

describe('renderAttendanceXlsx', async () => {
  const { record, wards } = buildFixture();
  const bytes = renderAttendanceXlsx(record);
  const pkg = openZip(bytes);
  const sheet = await pkg.xml('xl/worksheets/sheet1.xml');
  const styles = await pkg.xml('xl/styles.xml');

  const rowOf = (code: string): Element => {
    const row = all(sheet, S, 'row').find(
      (r) => r.getElementsByTagNameNS(S, 'c')[1]?.textContent === code,
    );
    if (!row) throw new Error(`no row for ${code}`);
    return row;
  };
  const cell = (row: Element, col: string): Element => {
    const ref = `${col}${row.getAttribute('r')}`;
    const c = all(row, S, 'c').find((x) => x.getAttribute('r') === ref);
    if (!c) throw new Error(`no cell ${ref}`);
    return c;
  };
  const cellXfs = all(one(styles, S, 'cellXfs'), S, 'xf');
  const xfOf = (c: Element) => cellXfs[Number(c.getAttribute('s') ?? '0')];

  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  test('is an OPC package whose every part is well-formed and declared', async () => {
    expect(pkg.names).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/core.xml',
      'docProps/app.xml',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/styles.xml',
    ]);
    for (const name of pkg.names) await pkg.xml(name);
    const types = await pkg.xml('[Content_Types].xml');
    const overrides = all(types, CT, 'Override').map((o) => o.getAttribute('PartName'));
    for (const name of pkg.names.filter(
      (n) => !n.endsWith('.rels') && n !== '[Content_Types].xml',
    )) {
      expect(overrides).toContain(`/${name}`);
    }
    const rels = await pkg.xml('xl/_rels/workbook.xml.rels');
    expect(all(rels, REL, 'Relationship').map((r) => r.getAttribute('Target'))).toEqual([
      'worksheets/sheet1.xml',
      'worksheets/sheet2.xml',
      'styles.xml',
    ]);
    const core = pkg.text('docProps/core.xml');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-26T04:30:00Z<');
  });

  test('freezes the header row, sizes the columns and filters the table', () => {
    const pane = one(sheet, S, 'pane');
    expect(pane.getAttribute('ySplit')).toBe('8');
    expect(pane.getAttribute('topLeftCell')).toBe('A9');
    expect(pane.getAttribute('state')).toBe('frozen');
    const cols = all(sheet, S, 'col');
    expect(cols).toHaveLength(13);
    for (const c of cols) {
      expect(Number(c.getAttribute('width'))).toBeGreaterThanOrEqual(5);
      expect(c.getAttribute('customWidth')).toBe('1');
    }
    expect(one(sheet, S, 'autoFilter').getAttribute('ref')).toBe('A8:M15');
    const header = all(sheet, S, 'row').find((r) => r.getAttribute('r') === '8');
    expect(header?.textContent?.startsWith('STTMã đơn vị')).toBe(true);
    expect(header?.textContent).toContain('Tên điểm cầu');
    const headerFont = one(styles, S, 'fonts').children[
      Number(xfOf(cell(header as Element, 'A'))?.getAttribute('fontId'))
    ];
    expect(headerFont?.getElementsByTagNameNS(S, 'b')).toHaveLength(1);
  });

  test('prints on A4 landscape, one page wide, repeating the header row', async () => {
    expect(pkg.text('xl/worksheets/sheet1.xml')).toContain(
      '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
    );
    expect(one(sheet, S, 'pageSetUpPr').getAttribute('fitToPage')).toBe('1');
    const margins = one(sheet, S, 'pageMargins');
    for (const side of ['left', 'right', 'top', 'bottom', 'header', 'footer']) {
      expect(Number(margins.getAttribute(side))).toBeGreaterThan(0);
    }
    expect(one(sheet, S, 'oddFooter').textContent).toContain('&P');
    const workbook = await pkg.xml('xl/workbook.xml');
    const names = all(workbook, S, 'definedName');
    const titles = names.find((n) => n.getAttribute('name') === '_xlnm.Print_Titles');
    expect(titles?.getAttribute('localSheetId')).toBe('0');
    expect(titles?.textContent).toBe("'Điểm danh'!$8:$8");
    const filter = names.find((n) => n.getAttribute('name') === '_xlnm._FilterDatabase');
    expect(filter?.textContent).toBe("'Điểm danh'!$A$8:$M$15");
    expect(all(workbook, S, 'sheet').map((s) => s.getAttribute('name'))).toEqual([
      'Điểm danh',
      'Tổng hợp',
    ]);
  });

  test('declares Times New Roman and a day-first date-time number format', () => {
    const fonts = all(one(styles, S, 'fonts'), S, 'name').map((n) => n.getAttribute('val'));
    expect(new Set(fonts)).toEqual(new Set(['Times New Roman']));
    const fmt = one(styles, S, 'numFmt');
    expect(fmt.getAttribute('numFmtId')).toBe('164');
    expect(fmt.getAttribute('formatCode')).toBe('dd/mm/yyyy hh:mm:ss');
    expect(one(styles, S, 'cellXfs').getAttribute('count')).toBe(String(cellXfs.length));
  });

  test('types the cells: codes and names as text, times as dates, counts as numbers', () => {
    const ward = wards[0];
    const row = rowOf(ward?.Code ?? '');
    expect(cell(row, 'B').getAttribute('t')).toBe('inlineStr');
    expect(cell(row, 'B').textContent).toBe(ward?.Code);
    expect(cell(row, 'C').textContent).toBe(ward?.FullName);
    expect(cell(row, 'D').textContent).toBe('Đúng giờ');

    const join = cell(row, 'E');
    expect(join.getAttribute('t')).toBe('n');
    expect(xfOf(join)?.getAttribute('numFmtId')).toBe('164');
    // 00:55:10Z is 07:55:10 in Hà Nội.
    expect(Number(join.textContent)).toBeCloseTo(serial(2026, 11, 26, 7, 55, 10), 9);
    expect(Number(cell(row, 'F').textContent)).toBeCloseTo(serial(2026, 11, 26, 10, 5, 0), 9);

    for (const [col, value] of [
      ['G', '129'],
      ['H', '12'],
    ] as const) {
      const c = cell(row, col);
      expect(c.getAttribute('t')).toBe('n');
      expect(c.textContent).toBe(value);
      expect(xfOf(c)?.getAttribute('numFmtId')).toBe('1');
    }
    expect(cell(row, 'J').textContent).toBe('Có mặt 08:03 (12 người)');

    const late = rowOf(wards[1]?.Code ?? '');
    expect(cell(late, 'D').textContent).toBe('Đến muộn');
    expect(Number(cell(late, 'E').textContent)).toBeCloseTo(serial(2026, 11, 26, 8, 12, 30), 9);
    const absent = rowOf(wards[3]?.Code ?? '');
    expect(cell(absent, 'D').textContent).toBe('Vắng có lý do');
    expect(cell(absent, 'E').textContent).toBe('');
    expect(cell(absent, 'L').textContent).toBe('Trực phòng chống lụt bão');
    expect(cell(rowOf(wards[4]?.Code ?? ''), 'D').textContent).toBe('Vắng không lý do');
  });

  test('keeps hostile names inert: no formulas, escaped markup, quote-prefixed text', () => {
    const raw = pkg.text('xl/worksheets/sheet1.xml');
    for (const name of pkg.names) expect(pkg.text(name)).not.toMatch(/<f[\s>]/);
    expect(raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(raw).not.toContain('<script>');

    const link = cell(rowOf('99901'), 'C');
    expect(link.getAttribute('t')).toBe('inlineStr');
    expect(link.textContent).toBe(HYPERLINK_NAME);
    expect(xfOf(link)?.getAttribute('quotePrefix')).toBe('1');
    expect(cell(rowOf('99902'), 'C').textContent).toBe(SCRIPT_NAME);
    expect(cell(rowOf('99902'), 'L').textContent).toBe('Mất điện <b>toàn phường</b> & mạng');
  });

  test('drops characters XML 1.0 forbids instead of writing an unreadable file', async () => {
    const r = buildFixture().record;
    const row = r.attendance[0];
    if (row) row.note = 'a\u0000b\u0007c\uD800d\uFFFEe';
    const p = openZip(renderAttendanceXlsx(r));
    const doc = await p.xml('xl/worksheets/sheet1.xml');
    expect(all(doc, S, 'row')[8]?.textContent).toContain('abcde');
  });

  test('sheet 1 is the handout: agency header, title block, STT, summary and signature', () => {
    const rows = all(sheet, S, 'row');
    const textOf = (r: number) =>
      rows.find((x) => x.getAttribute('r') === String(r))?.textContent ?? '';
    expect(textOf(1)).toBe('ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘICỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(textOf(2)).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(textOf(4)).toBe('BÁO CÁO ĐIỂM DANH CÁC ĐIỂM CẦU');
    expect(textOf(5)).toBe('Cuộc họp giao ban trực tuyến tháng 11/2026');
    expect(textOf(6)).toMatch(/^Thời gian: 08 giờ 02 phút, ngày 26 tháng 11 năm 2026; địa điểm: /);
    // STT 1…7 as numbers in column A, in the table's order.
    const stt = rows
      .slice(8, 15)
      .map((r) => all(r, S, 'c')[0])
      .map((c) => [c?.getAttribute('t'), c?.textContent]);
    expect(stt).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ['n', String(n)]));
    expect(textOf(17)).toMatch(/^Tổng hợp: triệu tập 7 điểm cầu; có mặt 4 điểm cầu/);
    expect(textOf(19)).toBe('Hà Nội, ngày 26 tháng 11 năm 2026');
    expect(textOf(20)).toBe('NGƯỜI LẬP BIỂU');
    expect(textOf(21)).toBe('(Ký, ghi rõ họ tên)');
    expect(textOf(23)).toBe(SCRIPT_NAME);
    const merges = all(sheet, S, 'mergeCell').map((m) => m.getAttribute('ref'));
    expect(merges).toContain('A4:M4');
    expect(merges).toContain('A17:M17');
  });

  test('every row has a height that fits its wrapped text', () => {
    for (const r of all(sheet, S, 'row')) {
      expect(r.getAttribute('customHeight'), `row ${r.getAttribute('r')}`).toBe('1');
      expect(Number(r.getAttribute('ht'))).toBeGreaterThan(0);
    }
    const long = buildFixture().record;
    long.attendance[0]!.note = 'Mất kết nối nhiều lần do đường truyền yếu, '.repeat(4).trim();
    const doc = openZip(renderAttendanceXlsx(long));
    return doc.xml('xl/worksheets/sheet1.xml').then((x) => {
      const row = all(x, S, 'row').find((r) => r.getAttribute('r') === '9');
      // The note column is 30 characters wide: about 170 characters need at least 6 lines.
      expect(Number(row?.getAttribute('ht'))).toBeGreaterThanOrEqual(6 * 15);
    });
  });

  test('estimates wrapped lines on the tall side', () => {
    expect(estimateLines('', 10)).toBe(1);
    expect(estimateLines('Đúng giờ', 17)).toBe(1);
    expect(estimateLines('một hai ba bốn năm sáu bảy tám chín mười', 10)).toBeGreaterThanOrEqual(4);
    expect(estimateLines('a\nb\nc', 30)).toBe(3);
    expect(estimateLines('x'.repeat(95), 10)).toBeGreaterThanOrEqual(10);
  });

  test('prints through LibreOffice as the handout, long cells wrapped inside their row', async () => {
    const r = buildFixture().record;
    const note =
      'Mất kết nối nhiều lần do đường truyền yếu, đã chuyển sang đường dự phòng lúc 09 giờ 10 phút và báo cáo bằng văn bản sau cuộc họp.';
    r.attendance[0]!.note = note;
    const pdf = await libreOfficeToPdf(renderAttendanceXlsx(r), 'xlsx');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const s of [
      'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'BÁO CÁO ĐIỂM DANH CÁC ĐIỂM CẦU',
      'STT',
      'NGƯỜI LẬP BIỂU',
      'Hà Nội, ngày 26 tháng 11 năm 2026',
    ]) {
      expect(text).toContain(s);
    }
    const words = await pdfWords(pdf, 1);
    const noteWords = note.split(' ');
    // Every word of the note is printed (nothing cut off by a short row)…
    const found = noteWords.map((w) => words.find((x) => x.text === w && x.xMin > 500));
    expect(found.every(Boolean)).toBe(true);
    // …on several lines of its column, all above the next site's row.
    const lines = new Set(found.map((w) => Math.round(w!.yMin)));
    expect(lines.size).toBeGreaterThanOrEqual(3);
    const next = words.find((w) => w.text === '00008');
    expect(next).toBeDefined();
    expect(Math.max(...found.map((w) => w!.yMax))).toBeLessThan(next!.yMin);
  }, 180_000);

  test('has a typed summary sheet', async () => {
    const summary = await pkg.xml('xl/worksheets/sheet2.xml');
    const byLabel = new Map(
      all(summary, S, 'row').map((r) => {
        const [label, value] = all(r, S, 'c');
        return [label?.textContent, value] as const;
      }),
    );
    const num = (label: string) => {
      const c = byLabel.get(label);
      expect(c?.getAttribute('t'), label).toBe('n');
      return Number(c?.textContent);
    };
    expect(num('Số điểm cầu được triệu tập')).toBe(7);
    expect(num('Số điểm cầu có mặt')).toBe(4);
    expect(num('Trong đó: vắng có lý do')).toBe(2);
    expect(num('Trong đó: vắng không lý do')).toBe(1);
    expect(num('Tổng số người dự tại các điểm cầu')).toBe(28);
    expect(num('Thời điểm lập báo cáo')).toBeCloseTo(serial(2026, 11, 26, 11, 30, 0), 9);
    expect(pkg.text('xl/worksheets/sheet2.xml')).toContain('paperSize="9"');
  });

  test('is byte-identical for the same record, whatever the server time zone', () => {
    process.env.TZ = 'UTC';
    const a = renderAttendanceXlsx(buildFixture().record);
    process.env.TZ = 'America/New_York';
    const b = renderAttendanceXlsx(buildFixture().record);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(bytes))).toBe(true);
    // The zip entries carry generatedAt's local wall-clock time (26/11/2026 11:30:00).
    const view = new DataView(a.buffer, a.byteOffset, a.byteLength);
    const time = view.getUint16(10, true);
    const date = view.getUint16(12, true);
    expect([time >> 11, (time >> 5) & 63]).toEqual([11, 30]);
    expect([(date >> 9) + 1980, (date >> 5) & 15, date & 31]).toEqual([2026, 11, 26]);
  });

  test('the testkit parser rejects malformed XML', async () => {
    await expect(parseXml('<a><b></a>')).rejects.toThrow(/not well-formed/);
  });
});
