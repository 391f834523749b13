import { MinutesReviewBody, SignedMinutesUploadBody } from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import type { RecordKind, RenderedDocument } from '../../domain/MeetingDocuments';
import { type Ctx, grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

/** The documents of a meeting (domain/MeetingDocuments renders and files; this only sends). */
export function recordRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/meetings/:id/attendance.csv'
  | 'get /api/meetings/:id/attendance.xlsx'
  | 'get /api/meetings/:id/attendance.pdf'
  | 'get /api/meetings/:id/minutes.docx'
  | 'get /api/meetings/:id/minutes.pdf'
  | 'get /api/meetings/:id/minutes/review'
  | 'put /api/meetings/:id/minutes/review'
  | 'post /api/meetings/:id/minutes/signed'
  | 'get /api/meetings/:id/minutes/signed'
  | 'get /api/meetings/:id/minutes.signed.pdf'
> {
  const { documents } = d;
  const sendDocument = (ctx: Ctx, doc: RenderedDocument): undefined => {
    ctx.res.status(200).type(doc.mediaType).attachment(doc.fileName).send(Buffer.from(doc.bytes));
    return undefined;
  };
  const send = async (ctx: Ctx, kind: RecordKind) =>
    sendDocument(ctx, await documents.render(idOf(ctx), grantOf(ctx), kind));
  return {
    'get /api/meetings/:id/attendance.csv': (ctx) => send(ctx, 'csv'),
    'get /api/meetings/:id/attendance.xlsx': (ctx) => send(ctx, 'xlsx'),
    'get /api/meetings/:id/minutes.docx': (ctx) => send(ctx, 'docx'),
    'get /api/meetings/:id/minutes.pdf': (ctx) => send(ctx, 'pdf'),
    'get /api/meetings/:id/attendance.pdf': (ctx) => send(ctx, 'attendance.pdf'),
    'get /api/meetings/:id/minutes/review': async (ctx) =>
      documents.review(idOf(ctx), grantOf(ctx)),
    'put /api/meetings/:id/minutes/review': async (ctx) =>
      documents.saveReview(
        idOf(ctx),
        grantOf(ctx),
        actorOf(grantOf(ctx)),
        parse(MinutesReviewBody, ctx.req.body),
      ),
    'post /api/meetings/:id/minutes/signed': async (ctx) => {
      const result = await documents.fileSigned(
        idOf(ctx),
        grantOf(ctx),
        actorOf(grantOf(ctx)),
        parse(SignedMinutesUploadBody, ctx.req.body),
      );
      // Accepted signed minutes go into the meeting archive with their SHA-256 line (#13).
      if (result.accepted) await d.archive.fileSignedMinutes(idOf(ctx));
      return result;
    },
    'get /api/meetings/:id/minutes/signed': async (ctx) =>
      documents.signedStatus(idOf(ctx), grantOf(ctx)),
    'get /api/meetings/:id/minutes.signed.pdf': async (ctx) =>
      sendDocument(ctx, await documents.signedPdf(idOf(ctx), grantOf(ctx))),
  };
}
