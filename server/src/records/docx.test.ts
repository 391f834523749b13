import { afterEach, describe, expect, test } from 'vitest';
import { buildFixture, HYPERLINK_NAME, SCRIPT_NAME } from './fixture.js';
import { renderMinutesDocx } from './index.js';
import { RecordRenderError } from './RecordRenderError.js';
import { all, one, openZip } from './testkit.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

const wAttr = (el: Element | undefined, name: string) => el?.getAttributeNS(W, name) ?? null;
/** Twips per millimetre: 1440 per inch. */
const mm = (twips: string | null) => (Number(twips) * 25.4) / 1440;

function paragraphText(p: Element): string {
  return all(p, W, 't')
    .map((t) => t.textContent ?? '')
    .join('');
}

/** Body paragraphs outside tables, in order. */
function bodyParagraphs(doc: Document): Element[] {
  const body = one(doc, W, 'body');
  return [...body.children].filter((c) => c.localName === 'p');
}

function runProps(p: Element) {
  const r = all(p, W, 'r')[0];
  const rPr = r ? all(r, W, 'rPr')[0] : undefined;
  return {
    bold: rPr ? all(rPr, W, 'b').length > 0 : false,
    italic: rPr ? all(rPr, W, 'i').length > 0 : false,
    size: rPr ? wAttr(all(rPr, W, 'sz')[0], 'val') : null,
  };
}

const align = (p: Element) => wAttr(all(p, W, 'jc')[0], 'val');

describe('renderMinutesDocx', async () => {
  const { record, wards } = buildFixture();
  const bytes = renderMinutesDocx(record);
  const pkg = openZip(bytes);
  const doc = await pkg.xml('word/document.xml');
  const styles = await pkg.xml('word/styles.xml');
  const texts = all(doc, W, 'p').map(paragraphText);
  const find = (pattern: RegExp | string): Element => {
    const p = all(doc, W, 'p').find((x) =>
      typeof pattern === 'string' ? paragraphText(x) === pattern : pattern.test(paragraphText(x)),
    );
    if (!p) throw new Error(`no paragraph matching ${pattern}\n${texts.join('\n')}`);
    return p;
  };

  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  test('is a WordprocessingML package whose parts are well-formed and related', async () => {
    for (const name of pkg.names) await pkg.xml(name);
    expect(pkg.names[0]).toBe('[Content_Types].xml');
    const rootRels = await pkg.xml('_rels/.rels');
    expect(all(rootRels, PKG_REL, 'Relationship').map((r) => r.getAttribute('Target'))).toContain(
      'word/document.xml',
    );
    const rels = await pkg.xml('word/_rels/document.xml.rels');
    const targets = new Map(
      all(rels, PKG_REL, 'Relationship').map((r) => [
        r.getAttribute('Id'),
        r.getAttribute('Target'),
      ]),
    );
    for (const ref of all(doc, W, 'headerReference')) {
      const target = targets.get(ref.getAttributeNS(R, 'id'));
      expect(target).toBeTruthy();
      expect(pkg.names).toContain(`word/${target}`);
    }
  });

  test('uses A4 and the decree margins: 20 mm top and bottom, 30 mm left, 15 mm right', () => {
    const sect = one(doc, W, 'sectPr');
    const size = one(sect, W, 'pgSz');
    expect(wAttr(size, 'w')).toBe('11906');
    expect(wAttr(size, 'h')).toBe('16838');
    expect(wAttr(size, 'orient')).toBeNull();
    const mar = one(sect, W, 'pgMar');
    expect(wAttr(mar, 'top')).toBe('1134');
    expect(wAttr(mar, 'bottom')).toBe('1134');
    expect(wAttr(mar, 'left')).toBe('1701');
    expect(wAttr(mar, 'right')).toBe('850');
    expect(mm(wAttr(mar, 'top'))).toBeCloseTo(20, 1);
    expect(mm(wAttr(mar, 'left'))).toBeCloseTo(30, 1);
    expect(mm(wAttr(mar, 'right'))).toBeCloseTo(15, 1);
  });

  test('sets Times New Roman 14 pt as the default run font', () => {
    const defaults = one(one(styles, W, 'docDefaults'), W, 'rPrDefault');
    const fonts = one(defaults, W, 'rFonts');
    for (const a of ['ascii', 'hAnsi', 'cs']) expect(wAttr(fonts, a)).toBe('Times New Roman');
    expect(wAttr(one(defaults, W, 'sz'), 'val')).toBe('28');
    expect(wAttr(one(defaults, W, 'szCs'), 'val')).toBe('28');
    // No run anywhere switches to another font or goes outside 13-14 pt in the body text.
    expect(all(doc, W, 'rFonts')).toHaveLength(0);
    const sizes = new Set(all(doc, W, 'sz').map((s) => wAttr(s, 'val')));
    for (const s of sizes) expect(['26', '28', '4']).toContain(s);
  });

  test('opens with the decree header block as a borderless two-column table', () => {
    const table = all(doc, W, 'tbl')[0] as Element;
    expect([...one(doc, W, 'body').children][0]).toBe(table);
    for (const b of [...one(table, W, 'tblBorders').children]) expect(wAttr(b, 'val')).toBe('nil');
    expect(all(table, W, 'gridCol')).toHaveLength(2);
    const [left, right] = all(all(table, W, 'tr')[0] as Element, W, 'tc');
    const leftTexts = all(left as Element, W, 'p').map(paragraphText);
    const rightParas = all(right as Element, W, 'p');

    expect(leftTexts[0]).toBe('ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI');
    expect(runProps(all(left as Element, W, 'p')[0] as Element).bold).toBe(true);
    expect(paragraphText(rightParas[0] as Element)).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(runProps(rightParas[0] as Element).bold).toBe(true);
    expect(paragraphText(rightParas[1] as Element)).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(runProps(rightParas[1] as Element)).toMatchObject({ bold: true, size: '28' });
    // A short rule beneath the motto: a top border on a paragraph indented from both sides.
    const ruleP = rightParas[2] as Element;
    expect(wAttr(one(ruleP, W, 'top'), 'val')).toBe('single');
    expect(Number(wAttr(one(ruleP, W, 'ind'), 'left'))).toBeGreaterThan(0);

    const [numberCell, dateCell] = all(all(table, W, 'tr')[1] as Element, W, 'tc');
    expect(paragraphText(numberCell as Element)).toBe('Số: 12/BB-UBND');
    const dateP = all(dateCell as Element, W, 'p')[0] as Element;
    expect(paragraphText(dateP)).toBe('Hà Nội, ngày 26 tháng 11 năm 2026');
    expect(runProps(dateP).italic).toBe(true);
  });

  test('titles the document BIÊN BẢN with the subject below, bold and centred', () => {
    const body = bodyParagraphs(doc);
    const title = body.find((p) => paragraphText(p) === 'BIÊN BẢN') as Element;
    expect(runProps(title).bold).toBe(true);
    expect(align(title)).toBe('center');
    const subject = body[body.indexOf(title) + 1] as Element;
    expect(paragraphText(subject)).toBe('Cuộc họp giao ban trực tuyến tháng 11/2026');
    expect(runProps(subject).bold).toBe(true);
    expect(align(subject)).toBe('center');
  });

  test('states time, form, chair, secretary and the attendance summary', () => {
    expect(texts).toContain(
      '- Thời gian: bắt đầu lúc 08 giờ 02 phút, ngày 26 tháng 11 năm 2026 (theo kế hoạch: 08 giờ 00 phút).',
    );
    expect(texts).toContain('- Địa điểm: điểm cầu chính tại Trụ sở UBND Thành phố.');
    expect(texts).toContain('- Hình thức: trực tuyến, kết nối với 4 điểm cầu.');
    expect(texts).toContain('- Chủ trì: Phạm Minh Chính, Phó Chủ tịch UBND Thành phố.');
    expect(texts).toContain(`- Thư ký: ${SCRIPT_NAME}, Chuyên viên Văn phòng.`);
    expect(texts).toContain(
      '- Thành phần tham dự: triệu tập 7 điểm cầu; có mặt 4 điểm cầu (đúng giờ 2, đến muộn 1, ' +
        'về sớm 1) với tổng số 28 người dự; vắng 3 điểm cầu (có lý do 2, không có lý do 1).',
    );
    expect(texts).toContain(`+ ${wards[3]?.FullName}: vắng có lý do (Trực phòng chống lụt bão).`);
    expect(texts).toContain(`+ ${wards[4]?.FullName}: vắng không có lý do.`);
    expect(texts).toContain(
      `+ ${SCRIPT_NAME}: vắng có lý do (Mất điện <b>toàn phường</b> & mạng).`,
    );
    expect(texts).toContain(`+ ${wards[1]?.FullName}: vào lúc 08 giờ 12 phút.`);
    expect(texts).toContain(`+ ${wards[2]?.FullName}: rời lúc 09 giờ 10 phút.`);
  });

  test('records each agenda item with its actual times, speakers and conclusions', () => {
    const i1 = texts.indexOf('1. Tình hình kinh tế - xã hội tháng 11');
    const i2 = texts.indexOf('2. Công tác chuẩn bị Tết');
    const i3 = texts.indexOf('3. Nội dung không kịp trình bày');
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    expect(i3).toBeGreaterThan(i2);
    const item1 = texts.slice(i1, i2);
    expect(item1).toContain('- Trình bày: Giám đốc Sở Tài chính.');
    expect(item1).toContain('- Thời gian: từ 08 giờ 05 phút đến 08 giờ 50 phút.');
    // Speeches in the order they were given, with their durations.
    const ward0 = `+ ${wards[0]?.FullName}: từ 08 giờ 20 phút đến 08 giờ 25 phút (5 phút).`;
    const ward1 = `+ ${wards[1]?.FullName}: từ 08 giờ 30 phút đến 08 giờ 33 phút (3 phút 20 giây).`;
    expect(item1.indexOf(ward0)).toBeGreaterThan(0);
    expect(item1.indexOf(ward1)).toBeGreaterThan(item1.indexOf(ward0));
    expect(item1).toContain('Phường nêu khó khăn về giải ngân.');
    const k = item1.indexOf('- Kết luận:');
    expect(item1.slice(k + 1, k + 3)).toEqual([
      'Các phường hoàn thành báo cáo trước ngày 30/11.',
      'Sở Tài chính tổng hợp & báo cáo <UBND>.',
    ]);
    const item2 = texts.slice(i2, i3);
    expect(item2).toContain(
      `+ ${HYPERLINK_NAME}: từ 09 giờ 00 phút đến 09 giờ 01 phút (1 phút 5 giây).`,
    );
    expect(item2).toContain('=HYPERLINK("http://x","y") không được chạy như công thức.');
    const item3 = texts.slice(
      i3,
      texts.findIndex((x) => x.startsWith('Cuộc họp kết thúc')),
    );
    expect(item3).toContain('- Thời gian: nội dung này không được tiến hành.');
    // An item never taken up records neither speakers nor a conclusion.
    expect(item3.filter((x) => /Kết luận|Chưa có kết luận|phát biểu/.test(x))).toEqual([]);
  });

  test('writes every time of day one way: "08 giờ 05 phút", never "08:05"', () => {
    for (const x of texts) expect(x, x).not.toMatch(/\b\d{1,2}:\d{2}\b/);
  });

  test('numbers agenda items from 1 in agenda order, whatever order the log stored', async () => {
    const r = buildFixture().record;
    r.agenda = r.agenda.map((a, i) => ({ ...a, order: i })); // the projection's 0-based order
    const d = await openZip(renderMinutesDocx(r)).xml('word/document.xml');
    const t = all(d, W, 'p').map(paragraphText);
    expect(t).toContain('1. Tình hình kinh tế - xã hội tháng 11');
    expect(t).toContain('3. Nội dung không kịp trình bày');
    expect(t.some((x) => x.startsWith('0. '))).toBe(false);
  });

  test("lists named participants and uses the secretary's closing line", async () => {
    const r = buildFixture().record;
    r.participants = [{ name: 'Nguyễn Văn Hùng', title: 'Giám đốc Sở Nội vụ' }];
    r.closingText = 'Biên bản được thông qua lúc 10 giờ 10 phút cùng ngày./.';
    const d = await openZip(renderMinutesDocx(r)).xml('word/document.xml');
    const t = all(d, W, 'p').map(paragraphText);
    expect(t).toContain('- Thành phần tham dự:');
    expect(t).toContain('+ Nguyễn Văn Hùng, Giám đốc Sở Nội vụ.');
    expect(t.some((x) => x.startsWith('+ Các điểm cầu: triệu tập 7 điểm cầu'))).toBe(true);
    expect(t).toContain('Biên bản được thông qua lúc 10 giờ 10 phút cùng ngày./.');
    expect(t.some((x) => x.startsWith('Cuộc họp kết thúc'))).toBe(false);
  });

  test('closes with the end time and the signature blocks of secretary and chair', () => {
    const closing = find(/^Cuộc họp kết thúc/);
    expect(paragraphText(closing)).toBe('Cuộc họp kết thúc vào lúc 10 giờ 05 phút cùng ngày./.');
    const tables = all(doc, W, 'tbl');
    const signatures = tables[tables.length - 1] as Element;
    const [left, right] = all(signatures, W, 'tc');
    const leftTexts = all(left as Element, W, 'p').map(paragraphText);
    const rightTexts = all(right as Element, W, 'p').map(paragraphText);
    expect(leftTexts[0]).toBe('THƯ KÝ');
    expect(leftTexts[leftTexts.length - 1]).toBe(SCRIPT_NAME);
    expect(rightTexts[0]).toBe('CHỦ TRÌ');
    expect(rightTexts[rightTexts.length - 1]).toBe('Phạm Minh Chính');
    expect(all(signatures, W, 'cantSplit')).toHaveLength(1);
    for (const b of [...one(signatures, W, 'tblBorders').children])
      expect(wAttr(b, 'val')).toBe('nil');
  });

  test('numbers pages in the top margin from page 2 on', async () => {
    const sect = one(doc, W, 'sectPr');
    expect(all(sect, W, 'titlePg')).toHaveLength(1);
    const rels = await pkg.xml('word/_rels/document.xml.rels');
    const target = (type: string) => {
      const id = all(sect, W, 'headerReference')
        .find((h) => wAttr(h, 'type') === type)
        ?.getAttributeNS(R, 'id');
      return all(rels, PKG_REL, 'Relationship')
        .find((r) => r.getAttribute('Id') === id)
        ?.getAttribute('Target');
    };
    const header = await pkg.xml(`word/${target('default')}`);
    expect(one(header, W, 'instrText').textContent?.trim()).toBe('PAGE');
    expect(wAttr(one(header, W, 'jc'), 'val')).toBe('center');
    const first = await pkg.xml(`word/${target('first')}`);
    expect(all(first, W, 'instrText')).toHaveLength(0);
  });

  test('keeps hostile text inert and escaped', () => {
    const raw = pkg.text('word/document.xml');
    expect(raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(raw).not.toContain('<script>');
    expect(raw).toContain('&lt;b&gt;toàn phường&lt;/b&gt; &amp; mạng');
    // The only field is the page number: a name can never become a field code.
    expect(raw).not.toMatch(/<w:fldSimple|<w:instrText/);
    expect(raw).not.toContain('<b>');
  });

  test('prints placeholders when the number or the end time is not known yet', async () => {
    const r = buildFixture().record;
    r.documentNumber = undefined;
    r.adjournedAt = undefined;
    r.parentBody = 'Thành ủy Hà Nội';
    const d = await openZip(renderMinutesDocx(r)).xml('word/document.xml');
    const t = all(d, W, 'p').map(paragraphText);
    expect(t).toContain('Số:         /BB-');
    expect(t).toContain('Cuộc họp kết thúc vào lúc …… giờ …… phút, ngày …… tháng …… năm ……./.');
    expect(t[0]).toBe('THÀNH ỦY HÀ NỘI');
    expect(t[1]).toBe('ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI');
  });

  test('is byte-identical for the same record, whatever the server time zone', () => {
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const a = renderMinutesDocx(buildFixture().record);
    process.env.TZ = 'Europe/London';
    const b = renderMinutesDocx(buildFixture().record);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(bytes))).toBe(true);
    const changed = buildFixture().record;
    const item = changed.agenda[0];
    if (item) item.conclusions = 'Kết luận đã sửa.';
    expect(Buffer.from(renderMinutesDocx(changed)).equals(Buffer.from(bytes))).toBe(false);
  });

  test('rejects an unknown time zone with a typed error', () => {
    expect(() => renderMinutesDocx({ ...buildFixture().record, timeZone: 'Nowhere/City' })).toThrow(
      RecordRenderError,
    );
  });
});
