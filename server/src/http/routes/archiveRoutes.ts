import { z } from 'zod';
import { HubError } from '../../util/HubError';
import { type Ctx, grantOf, idOf, type RouteDeps, type RouteTable } from './kit';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** RFC 6266 attachment with the UTF-8 name (Vietnamese file names) and an ASCII fallback. */
function disposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\]/g, '_');
  return `attachment; filename="${ascii || 'file'}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The meeting archive (recording/MeetingArchive lists, checks roles and opens; this sends). */
export function archiveRoutes(
  d: RouteDeps,
): RouteTable<'get /api/meetings/:id/archive' | 'get /api/meetings/:id/archive/:sha256'> {
  const { archive } = d;
  return {
    'get /api/meetings/:id/archive': (ctx) => archive.listing(idOf(ctx), grantOf(ctx)),
    'get /api/meetings/:id/archive/:sha256': async (ctx: Ctx) => {
      const sha = Sha256.safeParse(String(ctx.req.params.sha256));
      if (!sha.success) throw new HubError('BAD_REQUEST', 'not a SHA-256');
      const { file, open } = await archive.download(idOf(ctx), grantOf(ctx), sha.data);
      const res = ctx.res;
      res.setHeader('content-type', file.mediaType);
      res.setHeader('content-disposition', disposition(file.name));
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', 'sandbox');
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-file-sha256', file.sha256);
      // One range (what players ask for); several or a bad one answer the whole file or 416.
      const ranges = ctx.req.headers.range ? ctx.req.range(file.size) : undefined;
      let range: { start: number; end: number } | undefined;
      if (ranges === -1) {
        res.status(416).setHeader('content-range', `bytes */${file.size}`).end();
        return undefined;
      }
      if (Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1) {
        range = { start: ranges[0]!.start, end: ranges[0]!.end };
        res.status(206);
        res.setHeader('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
        res.setHeader('content-length', String(range.end - range.start + 1));
      } else {
        res.status(200);
        res.setHeader('content-length', String(file.size));
      }
      await new Promise<void>((resolve, reject) => {
        const s = open(range);
        s.on('error', reject);
        res.on('close', resolve);
        s.pipe(res);
      });
      return undefined;
    },
  };
}
