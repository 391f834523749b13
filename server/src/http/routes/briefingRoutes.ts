import {
  BRIEFING_LIMITS,
  FileQuery,
  type FileRef,
  ReportRemindInput,
  ReportRequestInput,
  ReportSubmitInput,
  UploadQuery,
} from '@giaoban/shared';
import type { Request } from 'express';
import { actorOf } from '../../domain/access';
import { checkFileType, type FileKind, FileTooLargeError } from '../../files/index';
import { buildCompiledReportsDocument } from '../../records/compiledReports';
import { renderMinutesDocxDocument } from '../../records/docx';
import { recordFileName } from '../../records/index';
import { renderMinutesPdfDocument } from '../../records/pdf';
import { HubError } from '../../util/HubError';
import { type Ctx, grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

const REPORT_KINDS: FileKind[] = ['pdf', 'docx', 'xlsx', 'png', 'jpeg', 'webp'];
const DOCUMENT_KINDS: FileKind[] = ['pdf', 'docx', 'xlsx', 'png', 'jpeg', 'webp'];

const REFUSAL = {
  unknown_content: 'the content is not a PDF, DOCX, XLSX, PNG, JPEG or WebP file',
  not_allowed: 'this type of file is not accepted here',
  name_mismatch: 'the file name does not match its content',
} as const;

/** RFC 5987 file name for Content-Disposition (Vietnamese names survive). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'file';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Ward reports and meeting documents over REST: uploads (raw body, checked by size and content
 * before anything is kept), the secretary's board and compiled report, sites' own reports, and
 * the files, under the same meeting-scoped role checks as the exports.
 */
export function briefingRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/meetings/:id/briefing'
  | 'get /api/meetings/:id/reports'
  | 'put /api/meetings/:id/reports/request'
  | 'post /api/meetings/:id/reports/remind'
  | 'get /api/meetings/:id/reports/compiled.docx'
  | 'get /api/meetings/:id/reports/compiled.pdf'
  | 'get /api/meetings/:id/reports/mine'
  | 'put /api/meetings/:id/reports/mine'
  | 'post /api/meetings/:id/reports/files'
  | 'get /api/meetings/:id/reports/:siteId/files/:index'
  | 'post /api/meetings/:id/documents'
  | 'delete /api/meetings/:id/documents/:docId'
  | 'get /api/meetings/:id/documents/:docId/file'
> {
  const { catalog, briefing, files } = d;
  const maxBytes = Math.min(d.config.files.maxBytes, BRIEFING_LIMITS.fileBytes);

  /** The role in this meeting (FORBIDDEN when the grant is not of it). */
  const roleIn = async (ctx: Ctx) => (await catalog.open(idOf(ctx), grantOf(ctx))).role;
  const office = async (ctx: Ctx) => {
    const role = await roleIn(ctx);
    if (role === 'site' || role === 'observer')
      throw new HubError('FORBIDDEN', 'not the chair or secretary of this meeting');
    return role;
  };
  const siteOf = async (ctx: Ctx) => {
    await roleIn(ctx);
    const g = grantOf(ctx);
    if (g.role !== 'site' || !g.siteId) throw new HubError('FORBIDDEN', 'sites only');
    return g.siteId;
  };

  /** Streams the body into the store; checks size, then type by content; keeps it or nothing. */
  const upload = async (req: Request, name: string, kinds: FileKind[]): Promise<FileRef> => {
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      req.resume();
      throw new HubError('PAYLOAD_TOO_LARGE', `file larger than ${maxBytes} bytes`);
    }
    let staged: Awaited<ReturnType<typeof files.stage>>;
    try {
      staged = await files.stage(req, { maxBytes });
    } catch (e) {
      if (e instanceof FileTooLargeError) {
        req.resume();
        throw new HubError('PAYLOAD_TOO_LARGE', `file larger than ${maxBytes} bytes`);
      }
      throw e;
    }
    try {
      if (staged.size === 0) throw new HubError('BAD_REQUEST', 'empty file');
      const t = await checkFileType(name, staged.head, () => staged.readAll(), kinds);
      if (!t.ok) throw new HubError('UNSUPPORTED_FILE', REFUSAL[t.reason]);
      const stored = await staged.commit();
      return { ...stored, name, kind: t.kind, mediaType: t.mediaType };
    } finally {
      await staged.discard();
    }
  };

  const sendFile = async (ctx: Ctx, file: FileRef): Promise<undefined> => {
    const stat = await files.stat(file.key);
    if (!stat) throw new HubError('NOT_FOUND', 'file missing from the store');
    const q = parse(FileQuery, ctx.req.query);
    // PDFs open in the browser's viewer (pdf.js in the app); everything else downloads.
    const inline = file.kind === 'pdf' && q.download !== '1';
    const res = ctx.res;
    res.status(200);
    res.setHeader('content-type', file.mediaType);
    res.setHeader('content-length', String(stat.size));
    res.setHeader('content-disposition', disposition(inline ? 'inline' : 'attachment', file.name));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', 'sandbox');
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-file-sha256', file.sha256);
    await new Promise<void>((resolve, reject) => {
      const s = files.open(file.key);
      s.on('error', reject);
      res.on('close', resolve);
      s.pipe(res);
    });
    return undefined;
  };

  const compiled = async (ctx: Ctx, format: 'docx' | 'pdf'): Promise<undefined> => {
    await office(ctx);
    const id = idOf(ctx);
    const record = await catalog.record(id, grantOf(ctx));
    const data = await d.meetings.read(id, (p) => ({
      request: p.briefing.request,
      sites: p.meeting.siteIds.map((siteId) => ({
        siteId,
        code: p.siteCode(siteId),
        name: p.siteName(siteId),
        submission: p.briefing.reports.get(siteId) ?? null,
      })),
    }));
    if (!data.request)
      throw new HubError('INVALID_STATE', 'no report was requested for this meeting');
    const doc = buildCompiledReportsDocument(record, data.request, data.sites);
    const bytes =
      format === 'pdf' ? await renderMinutesPdfDocument(doc) : renderMinutesDocxDocument(doc);
    const name = recordFileName(record, 'minutes', format).replace(/^BienBan/, 'TongHopBaoCao');
    ctx.res
      .status(200)
      .type(
        format === 'pdf'
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      )
      .attachment(name)
      .send(Buffer.from(bytes));
    return undefined;
  };

  return {
    'get /api/meetings/:id/briefing': async (ctx) => {
      const role = await roleIn(ctx);
      const g = grantOf(ctx);
      return briefing.get(
        idOf(ctx),
        role === 'site' ? { staff: false, siteId: g.siteId! } : { staff: true },
      );
    },
    'get /api/meetings/:id/reports': async (ctx) => {
      await office(ctx);
      return briefing.getBoard(idOf(ctx));
    },
    'put /api/meetings/:id/reports/request': async (ctx) => {
      const role = await office(ctx);
      if (role === 'chair') throw new HubError('FORBIDDEN', 'the secretary asks for reports');
      return briefing.requestReports(
        idOf(ctx),
        actorOf(grantOf(ctx)),
        parse(ReportRequestInput, ctx.req.body),
      );
    },
    'post /api/meetings/:id/reports/remind': async (ctx) => {
      await office(ctx);
      const body = parse(ReportRemindInput, ctx.req.body ?? {});
      return briefing.remind(idOf(ctx), actorOf(grantOf(ctx)), body.siteIds);
    },
    'get /api/meetings/:id/reports/compiled.docx': (ctx) => compiled(ctx, 'docx'),
    'get /api/meetings/:id/reports/compiled.pdf': (ctx) => compiled(ctx, 'pdf'),
    'get /api/meetings/:id/reports/mine': async (ctx) =>
      briefing.getSiteReport(idOf(ctx), await siteOf(ctx)),
    'put /api/meetings/:id/reports/mine': async (ctx) => {
      const siteId = await siteOf(ctx);
      const input = parse(ReportSubmitInput, ctx.req.body);
      // Only files this hub stored may be named (a client cannot point at arbitrary keys). Then
      // kept (never swept) and checked again: an upload swept meanwhile is refused, never named.
      const stored = async (f: FileRef) => {
        const s = await files.stat(f.key);
        if (!s || s.sha256 !== f.sha256 || s.size !== f.size)
          throw new HubError(
            'BAD_REQUEST',
            `files: ${f.name} was not uploaded (or was removed after a day unsent): upload it again`,
          );
      };
      for (const f of input.files) {
        await stored(f);
        await files.keep(f.key);
        await stored(f);
      }
      return briefing.submitReport(idOf(ctx), actorOf(grantOf(ctx)), siteId, input);
    },
    'post /api/meetings/:id/reports/files': async (ctx) => {
      await siteOf(ctx);
      const q = parse(UploadQuery, ctx.req.query);
      const ref = await upload(ctx.req, q.name, REPORT_KINDS);
      // Not referred to until the report is sent: swept after a day if it never is.
      await files.markPending(ref.key);
      ctx.res.status(201);
      return ref;
    },
    'get /api/meetings/:id/reports/:siteId/files/:index': async (ctx) => {
      const role = await roleIn(ctx);
      const siteId = String(ctx.req.params.siteId);
      if (role === 'observer') throw new HubError('FORBIDDEN', 'observers do not read reports');
      // Another site's report does not exist for a site (as for a file never submitted).
      if (role === 'site' && grantOf(ctx).siteId !== siteId)
        throw new HubError('NOT_FOUND', 'no such file');
      const sub = await d.meetings.read(idOf(ctx), (p) => p.briefing.reports.get(siteId));
      const file = sub?.files[Number(ctx.req.params.index)];
      if (!file) throw new HubError('NOT_FOUND', 'no such file');
      return sendFile(ctx, file);
    },
    'post /api/meetings/:id/documents': async (ctx) => {
      const role = await office(ctx);
      if (role === 'chair') throw new HubError('FORBIDDEN', 'the secretary attaches documents');
      const q = parse(UploadQuery, ctx.req.query);
      if (q.itemId) {
        const known = await d.meetings.read(idOf(ctx), (p) => !!p.item(q.itemId!));
        if (!known) throw new HubError('NOT_FOUND', `agenda item ${q.itemId} not found`);
      }
      const ref = await upload(ctx.req, q.name, DOCUMENT_KINDS);
      // Pending until the log refers to it: a refused attach (closed meeting, too many) is swept.
      await files.markPending(ref.key);
      const doc = await briefing.attachDocument(
        idOf(ctx),
        actorOf(grantOf(ctx)),
        q.name,
        ref,
        q.itemId,
      );
      await files.keep(ref.key);
      ctx.res.status(201);
      return doc;
    },
    'delete /api/meetings/:id/documents/:docId': async (ctx) => {
      const role = await office(ctx);
      if (role === 'chair') throw new HubError('FORBIDDEN', 'the secretary removes documents');
      return briefing.removeDocument(
        idOf(ctx),
        actorOf(grantOf(ctx)),
        String(ctx.req.params.docId),
      );
    },
    'get /api/meetings/:id/documents/:docId/file': async (ctx) => {
      const role = await roleIn(ctx);
      const id = idOf(ctx);
      const docId = String(ctx.req.params.docId);
      const doc = await d.meetings.read(id, (p) => p.briefing.documents.get(docId));
      if (!doc) throw new HubError('NOT_FOUND', `document ${docId} not found`);
      if (role === 'site') {
        // Who opened which document is recorded; a spent budget or a closed meeting never
        // keeps a site from reading it.
        await briefing
          .documentOpened(id, actorOf(grantOf(ctx)), docId, grantOf(ctx).siteId!)
          .catch(() => {});
      }
      return sendFile(ctx, doc.file);
    },
  };
}
