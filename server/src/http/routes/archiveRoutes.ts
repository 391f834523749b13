import type { Readable } from 'node:stream';
import { ArchiveHoldBody, ArchiveSearchQuery, RetentionBody } from '@giaoban/shared';
import { z } from 'zod';
import { factsOf } from '../../auth/SessionService';
import { actorOf } from '../../domain/access';
import { HubError } from '../../util/HubError';
import { type Ctx, grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** RFC 6266 attachment with the UTF-8 name (Vietnamese file names) and an ASCII fallback. */
function disposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\]/g, '_');
  return `attachment; filename="${ascii || 'file'}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const shaOf = (ctx: Ctx): string => {
  const sha = Sha256.safeParse(String(ctx.req.params.sha256));
  if (!sha.success) throw new HubError('BAD_REQUEST', 'not a SHA-256');
  return sha.data;
};

/**
 * Sends a filed file, answering one HTTP Range (what players ask for) with 206; several or a
 * bad one answer the whole file or 416. `inline` for the player's link, attachment otherwise.
 */
async function send(
  ctx: Ctx,
  {
    file,
    open,
  }: {
    file: { name: string; mediaType: string; size: number; sha256: string };
    open: (range?: { start: number; end: number }) => Readable;
  },
  inline: boolean,
): Promise<undefined> {
  const res = ctx.res;
  res.setHeader('content-type', file.mediaType);
  res.setHeader(
    'content-disposition',
    inline ? disposition(file.name).replace(/^attachment/, 'inline') : disposition(file.name),
  );
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
}

/** The meeting archive (recording/MeetingArchive lists, checks roles and opens; this sends). */
export function archiveRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/meetings/:id/archive'
  | 'get /api/meetings/:id/archive/:sha256'
  | 'put /api/meetings/:id/archive/hold'
  | 'post /api/meetings/:id/archive/:sha256/link'
  | 'get /api/archive/play/:token'
  | 'get /api/archive/meetings'
  | 'get /api/archive/retention'
  | 'put /api/archive/retention'
> {
  const { archive } = d;
  return {
    'get /api/meetings/:id/archive': (ctx) => archive.listing(idOf(ctx), grantOf(ctx)),
    'get /api/meetings/:id/archive/:sha256': async (ctx) =>
      send(ctx, await archive.download(idOf(ctx), grantOf(ctx), shaOf(ctx)), false),
    'put /api/meetings/:id/archive/hold': async (ctx) =>
      archive.setHold(idOf(ctx), grantOf(ctx), parse(ArchiveHoldBody, ctx.req.body)),
    // The link is bound to the session that asks: revoking it refuses the link too.
    'post /api/meetings/:id/archive/:sha256/link': async (ctx) =>
      archive.playLink(idOf(ctx), grantOf(ctx), shaOf(ctx), factsOf(ctx.verified!)),
    'get /api/archive/play/:token': async (ctx) =>
      send(ctx, await archive.openPlayLink(String(ctx.req.params.token)), true),
    'get /api/archive/meetings': async (ctx) =>
      archive.search.search(grantOf(ctx), parse(ArchiveSearchQuery, ctx.req.query)),
    'get /api/archive/retention': async () => archive.retention.settings(),
    'put /api/archive/retention': async (ctx) => {
      const body = parse(RetentionBody, ctx.req.body);
      const at = new Date(d.clock.now()).toISOString();
      return archive.retention.set(body.policy, { actor: actorOf(grantOf(ctx)), at });
    },
  };
}
