import { LABELS } from './labels.js';
import type { LocalTime } from './time.js';
import { XML_DECLARATION, xmlAttr, xmlText } from './xml.js';
import { zipDeterministic } from './zip.js';

/**
 * Open Packaging Conventions parts every OOXML file needs: the content-type map, relationship
 * parts and the core/app document properties.
 */
export const CONTENT_TYPES = {
  relationships: 'application/vnd.openxmlformats-package.relationships+xml',
  xml: 'application/xml',
  core: 'application/vnd.openxmlformats-package.core-properties+xml',
  app: 'application/vnd.openxmlformats-officedocument.extended-properties+xml',
  workbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  sheetStyles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  document: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  docStyles: 'application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml',
  settings: 'application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml',
  header: 'application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml',
  footer: 'application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml',
} as const;

export const REL_TYPES = {
  officeDocument:
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument',
  core: 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
  app: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties',
  worksheet: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet',
  styles: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles',
  settings: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings',
  header: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/header',
  footer: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer',
} as const;

export function contentTypesXml(overrides: ReadonlyArray<readonly [part: string, type: string]>) {
  return (
    `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="${CONTENT_TYPES.relationships}"/>` +
    `<Default Extension="xml" ContentType="${CONTENT_TYPES.xml}"/>` +
    overrides
      .map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`)
      .join('') +
    '</Types>'
  );
}

export function relationshipsXml(
  rels: ReadonlyArray<readonly [id: string, type: string, target: string]>,
) {
  return (
    `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    rels
      .map(
        ([id, type, target]) =>
          `<Relationship Id="${id}" Type="${type}" Target="${xmlAttr(target)}"/>`,
      )
      .join('') +
    '</Relationships>'
  );
}

/** Package-level relationships: the main part plus the two property parts. */
export function packageRelsXml(mainPart: string): string {
  return relationshipsXml([
    ['rId1', REL_TYPES.officeDocument, mainPart],
    ['rId2', REL_TYPES.core, 'docProps/core.xml'],
    ['rId3', REL_TYPES.app, 'docProps/app.xml'],
  ]);
}

export function corePropsXml(p: { title: string; subject?: string; createdW3c: string }): string {
  return (
    `${XML_DECLARATION}<cp:coreProperties ` +
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlText(p.title)}</dc:title>` +
    (p.subject ? `<dc:subject>${xmlText(p.subject)}</dc:subject>` : '') +
    `<dc:creator>${LABELS.app}</dc:creator>` +
    `<cp:lastModifiedBy>${LABELS.app}</cp:lastModifiedBy>` +
    '<dc:language>vi-VN</dc:language>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${p.createdW3c}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${p.createdW3c}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

export function appPropsXml(): string {
  return (
    `${XML_DECLARATION}<Properties ` +
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ' +
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<Application>${LABELS.app}</Application>` +
    '</Properties>'
  );
}

/** A part related to the main part: `rId<n>` in the order given. */
export interface RelatedPart {
  /** Path inside the package, e.g. "word/styles.xml". */
  name: string;
  contentType: string;
  relType: string;
  xml: string;
}

/**
 * A whole OOXML package, the same way for DOCX and XLSX: content types, package relationships,
 * core and app properties, the main part with its relationships, then the related parts in
 * order. Deterministic bytes: the zip entries carry `stamp`, the parts' order is fixed.
 */
export function ooxmlPackage(p: {
  main: { name: string; contentType: string; xml: string };
  related: readonly RelatedPart[];
  core: { title: string; subject?: string; createdW3c: string };
  stamp: LocalTime;
}): Uint8Array {
  const dir = p.main.name.slice(0, p.main.name.lastIndexOf('/') + 1);
  const file = p.main.name.slice(dir.length);
  return zipDeterministic(
    [
      [
        '[Content_Types].xml',
        contentTypesXml([
          [`/${p.main.name}`, p.main.contentType],
          ...p.related.map((r) => [`/${r.name}`, r.contentType] as const),
          ['/docProps/core.xml', CONTENT_TYPES.core],
          ['/docProps/app.xml', CONTENT_TYPES.app],
        ]),
      ],
      ['_rels/.rels', packageRelsXml(p.main.name)],
      ['docProps/core.xml', corePropsXml(p.core)],
      ['docProps/app.xml', appPropsXml()],
      [p.main.name, p.main.xml],
      [
        `${dir}_rels/${file}.rels`,
        relationshipsXml(
          p.related.map((r, i) => [`rId${i + 1}`, r.relType, r.name.slice(dir.length)] as const),
        ),
      ],
      ...p.related.map((r) => [r.name, r.xml] as const),
    ],
    p.stamp,
  );
}
