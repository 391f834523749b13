import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  CreateAccountBody,
  CreateGroupBody,
  CreateMeetingBody,
  DirectoryImportBody,
  type Grant,
  type Health,
  HTTP_STATUS_OF,
  InvitationExchangeBody,
  InvitationsBody,
  LoginBody,
  type MeetingSummary,
  RefreshBody,
  ROUTES,
  type Role,
  type RouteSpec,
  SignedMinutesUploadBody,
  type TokenResponse,
  TransitionBody,
  UnitQuery,
  UpdateAccountBody,
  UpdateMeetingBody,
} from '@giaoban/shared';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { z } from 'zod';
import type { TokenService } from '../auth/TokenService';
import type { HubConfig } from '../config/Config';
import type { AccountService } from '../domain/AccountService';
import { grantOf, publicAccount } from '../domain/AccountService';
import { actorOf, meetingRole } from '../domain/access';
import { buildMeetingRecord } from '../domain/buildMeetingRecord';
import type { DirectoryService } from '../domain/DirectoryService';
import type { MeetingService } from '../domain/MeetingService';
import { defineMeeting, redefineMeeting } from '../domain/meetingDefinition';
import type { MediaGateway } from '../media/MediaGateway';
import type { HubMetrics } from '../observability/HubMetrics';
import {
  type MeetingRecord,
  RECORD_MEDIA_TYPES,
  recordFileName,
  renderAttendanceCsv,
  renderAttendanceXlsx,
  renderMinutesDocx,
  renderMinutesPdf,
} from '../records/index';
import { MinutesArchive } from '../records/MinutesArchive';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { badRequest, HubError, toErrorBody } from '../util/HubError';
import type { Logger } from '../util/logger';
import { TokenBucket } from '../util/TokenBucket';

export interface AppDeps {
  config: HubConfig;
  store: Store;
  tokens: TokenService;
  accounts: AccountService;
  directory: DirectoryService;
  meetings: MeetingService;
  media?: MediaGateway;
  metrics: HubMetrics;
  logger: Logger;
  clock: Clock;
  startedAt: number;
}

type Route = (typeof ROUTES)[number];
type RouteKey = Route extends infer R
  ? R extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never
  : never;

interface Ctx {
  req: Request;
  res: Response;
  grant?: Grant;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(r.error.issues);
  return r.data;
}

/** Express 5 app: every route comes from the shared ROUTES table (roles included). */
export function createApp(d: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      crossOriginEmbedderPolicy: false,
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
        },
      },
    }),
  );
  app.use(
    cors({
      origin: d.config.corsOrigins.includes('*') ? true : d.config.corsOrigins,
      credentials: true,
    }),
  );
  app.use('/api', express.json({ limit: d.config.restBodyLimitBytes }));

  const loginBuckets = new Map<string, TokenBucket>();
  const loginLimit = (req: Request) => {
    const ip = req.ip ?? 'unknown';
    let b = loginBuckets.get(ip);
    if (!b) {
      if (loginBuckets.size > 10_000) loginBuckets.clear();
      b = new TokenBucket(20, 2);
      loginBuckets.set(ip, b);
    }
    if (!b.take()) throw new HubError('RATE_LIMITED', 'too many login attempts');
  };

  const authenticate = (req: Request): Grant => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new HubError('UNAUTHENTICATED', 'missing bearer token');
    return d.tokens.verify(m[1]!, 'access').grant;
  };

  const issue = (grant: Grant): z.infer<typeof TokenResponse> => ({
    accessToken: d.tokens.sign('access', grant).token,
    refreshToken: d.tokens.sign('refresh', grant).token,
    expiresIn: d.config.jwt.accessTtlSeconds,
    grant,
  });

  /** Meeting access for REST: the grant's role in this meeting (FORBIDDEN otherwise). */
  const inMeeting = async (ctx: Ctx) => {
    const id = String(ctx.req.params.id);
    return d.meetings.read(id, (p) => ({ p, role: meetingRole(ctx.grant!, p.meeting) }));
  };

  const archive = new MinutesArchive(d.store);

  const handlers: { [K in RouteKey]: (ctx: Ctx) => Promise<unknown> } = {
    'post /api/auth/login': async ({ req }) => {
      loginLimit(req);
      const body = parse(LoginBody, req.body);
      return issue(grantOf(await d.accounts.login(body.username, body.password)));
    },
    'post /api/auth/refresh': async ({ req }) => {
      const { grant } = d.tokens.verify(parse(RefreshBody, req.body).refreshToken, 'refresh');
      // A disabled account cannot renew (site invitation grants have no account record).
      if (!grant.meetingId) {
        const acc = await d.store.getAccount(grant.sub);
        if (!acc || acc.disabled) throw new HubError('UNAUTHENTICATED', 'account disabled');
      }
      return issue(grant);
    },
    'post /api/auth/invitation': async ({ req }) => {
      const { grant } = d.tokens.verify(parse(InvitationExchangeBody, req.body).token, 'invite');
      return issue(grant);
    },
    'get /api/auth/me': async ({ grant }) => grant,

    'get /api/units': async ({ req }) => d.directory.list(parse(UnitQuery, req.query)),
    'post /api/units/import': async ({ req, grant }) =>
      d.directory.import(parse(DirectoryImportBody, req.body) as never, actorOf(grant!)),
    'get /api/groups': async () => d.store.listGroups(),
    'post /api/groups': async ({ req, grant }) =>
      d.directory.createGroup(parse(CreateGroupBody, req.body), actorOf(grant!)),
    'delete /api/groups/:id': async ({ req, grant }) => {
      await d.directory.deleteGroup(String(req.params.id), actorOf(grant!));
      return null;
    },

    'get /api/accounts': async () => (await d.store.listAccounts()).map(publicAccount),
    'post /api/accounts': async ({ req, grant }) =>
      d.accounts.create(parse(CreateAccountBody, req.body), actorOf(grant!)),
    'patch /api/accounts/:id': async ({ req, grant }) =>
      d.accounts.update(String(req.params.id), parse(UpdateAccountBody, req.body), actorOf(grant!)),
    'get /api/audit': async ({ req }) => {
      const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 200) || 200));
      return d.store.listAudit(limit);
    },

    'get /api/meetings': async ({ grant }) => {
      const out: MeetingSummary[] = [];
      for (const id of await d.store.listMeetingIds()) {
        const s = await d.meetings.read(id, (p) => {
          try {
            meetingRole(grant!, p.meeting);
          } catch {
            return undefined;
          }
          const m = p.meeting;
          return {
            id: m.id,
            title: m.title,
            scheduledStart: m.scheduledStart,
            state: m.state,
            chairId: m.chairId,
            secretaryId: m.secretaryId,
            locked: m.locked,
            siteCount: m.siteIds.length,
          } satisfies MeetingSummary;
        });
        if (s) out.push(s);
      }
      return out.sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart));
    },
    'post /api/meetings': async ({ req, res, grant }) => {
      const def = await defineMeeting(parse(CreateMeetingBody, req.body), d.store, d.directory);
      await d.meetings.create(def);
      await d.store.appendAudit({
        id: `au_${def.id}`,
        at: def.createdAt,
        actor: actorOf(grant!),
        action: 'meeting.create',
        target: def.id,
      });
      res.status(201);
      return d.meetings.read(def.id, (p) => p.meetingView());
    },
    'get /api/meetings/:id': async (ctx) => {
      const m = (await inMeeting(ctx)).p.meetingView();
      const node = await d.store.getMediaNode(m.id);
      if (node) m.mediaNode = node;
      return m;
    },
    'patch /api/meetings/:id': async (ctx) => {
      const { role } = await inMeeting(ctx);
      if (role !== 'admin' && role !== 'secretary')
        throw new HubError('FORBIDDEN', 'not the secretary of this meeting');
      const id = String(ctx.req.params.id);
      const current = await d.store.getMeeting(id);
      if (!current) throw new HubError('NOT_FOUND', `meeting ${id} not found`);
      const next = await redefineMeeting(
        current,
        parse(UpdateMeetingBody, ctx.req.body),
        d.store,
        d.directory,
      );
      await d.meetings.updateDefinition(id, next);
      return d.meetings.read(id, (p) => p.meetingView());
    },
    'post /api/meetings/:id/transition': async (ctx) => {
      await inMeeting(ctx);
      const { to } = parse(TransitionBody, ctx.req.body);
      return d.meetings.transition(String(ctx.req.params.id), actorOf(ctx.grant!), to);
    },
    'post /api/meetings/:id/invitations': async (ctx) => {
      const { p } = await inMeeting(ctx);
      const body = parse(InvitationsBody, ctx.req.body ?? {});
      const siteIds = body.siteIds ?? [...p.sites.keys()];
      return siteIds.map((siteId) => {
        if (!p.isInvited(siteId)) throw new HubError('NOT_FOUND', `site ${siteId} is not invited`);
        const name = p.siteName(siteId);
        const { token, expiresAt } = d.tokens.sign('invite', {
          sub: `site:${siteId}`,
          role: 'site',
          name,
          siteId,
          meetingId: p.meeting.id,
        });
        return {
          siteId,
          siteName: name,
          token,
          url: `${d.config.publicUrl}/join/${token}`,
          expiresAt: new Date(expiresAt).toISOString(),
        };
      });
    },
    'get /api/meetings/:id/attendance': async (ctx) =>
      (await inMeeting(ctx)).p.attendanceTable(d.clock.now()),
    'get /api/meetings/:id/attendance.csv': async (ctx) => sendRecord(ctx, 'csv'),
    'get /api/meetings/:id/attendance.xlsx': async (ctx) => sendRecord(ctx, 'xlsx'),
    'get /api/meetings/:id/minutes.docx': async (ctx) => sendRecord(ctx, 'docx'),
    'get /api/meetings/:id/minutes.pdf': async (ctx) => sendRecord(ctx, 'pdf'),
    'post /api/meetings/:id/minutes/signed': async (ctx) => {
      const { p, role } = await inMeeting(ctx);
      if (role !== 'admin' && role !== 'secretary')
        throw new HubError('FORBIDDEN', 'not the secretary of this meeting');
      if (p.meeting.state !== 'adjourned' && p.meeting.state !== 'closed')
        throw new HubError('INVALID_STATE', 'signed minutes are filed once the meeting ended');
      const body = parse(SignedMinutesUploadBody, ctx.req.body);
      const bytes = new Uint8Array(Buffer.from(body.pdf, 'base64'));
      const result = await archive.file(p.meeting.id, bytes, {
        by: ctx.grant!.name,
        at: new Date(d.clock.now()).toISOString(),
        ...(body.fileName ? { fileName: body.fileName } : {}),
      });
      if (result.accepted) {
        await d.store.appendAudit({
          id: `au_${p.meeting.id}_signed_${result.filed.sha256.slice(0, 12)}`,
          at: result.filed.uploadedAt,
          actor: actorOf(ctx.grant!),
          action: 'minutes.signed.file',
          target: p.meeting.id,
          detail: { sha256: result.filed.sha256, signatures: result.filed.signatures.length },
        });
      }
      return result;
    },
    'get /api/meetings/:id/minutes/signed': async (ctx) => {
      const { p } = await inMeeting(ctx);
      return { filed: await archive.signed(p.meeting.id) };
    },
    'get /api/meetings/:id/minutes.signed.pdf': async (ctx) => {
      const { p } = await inMeeting(ctx);
      const [filed, pdf] = await Promise.all([
        archive.signed(p.meeting.id),
        archive.signedPdf(p.meeting.id),
      ]);
      if (!filed || !pdf) throw new HubError('NOT_FOUND', 'no signed minutes filed yet');
      const m = p.meeting;
      const started = m.transitions.find((x) => x.to === 'in_session')?.at;
      const name = recordFileName(
        {
          scheduledStart: m.scheduledStart,
          timeZone: 'Asia/Ho_Chi_Minh',
          ...(started ? { startedAt: started } : {}),
          ...(m.documentNumber ? { documentNumber: m.documentNumber } : {}),
        },
        'minutes',
        'pdf',
      ).replace(/\.pdf$/, '-DaKy.pdf');
      ctx.res.status(200).type('application/pdf').attachment(name).send(Buffer.from(pdf));
      return undefined;
    },
    'get /api/meetings/:id/events': async (ctx) => {
      await inMeeting(ctx);
      const after = Math.max(0, Number(ctx.req.query.after ?? 0) || 0);
      return d.store.readEvents(String(ctx.req.params.id), after);
    },

    'get /healthz': async ({ res }) => {
      const storeOk = await d.store.ping();
      let workers = 0;
      let mediaOk = !d.media;
      if (d.media) {
        try {
          workers = (await d.media.workerStats()).length;
          mediaOk = workers > 0;
        } catch {
          mediaOk = false;
        }
      }
      const body: Health = {
        ok: storeOk && mediaOk,
        node: d.config.nodeId,
        store: { kind: d.store.kind, ok: storeOk },
        media: { workers, ok: mediaOk },
        uptimeSeconds: Math.round((d.clock.now() - d.startedAt) / 1000),
      };
      if (!body.ok) res.status(503);
      return body;
    },
    'get /metrics': async ({ res }) => {
      res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
      return undefined;
    },
  };

  /** Every issued PDF is remembered, so its signed copy can be recognised when it comes back. */
  async function issueMinutesPdf(meetingId: string, record: MeetingRecord): Promise<Uint8Array> {
    const pdf = await renderMinutesPdf(record);
    await archive.recordIssued(meetingId, pdf, record.generatedAt);
    return pdf;
  }

  async function sendRecord(ctx: Ctx, kind: 'csv' | 'xlsx' | 'docx' | 'pdf'): Promise<undefined> {
    const { p } = await inMeeting(ctx);
    const [chair, secretary] = await Promise.all([
      d.store.getAccount(p.meeting.chairId),
      d.store.getAccount(p.meeting.secretaryId),
    ]);
    const person = (a: typeof chair, id: string) =>
      a?.title ? { name: a.displayName, title: a.title } : { name: a?.displayName ?? id };
    const record = buildMeetingRecord(p, {
      chair: person(chair, p.meeting.chairId),
      secretary: person(secretary, p.meeting.secretaryId),
      generatedAt: d.clock.now(),
    });
    const body =
      kind === 'csv'
        ? Buffer.from(renderAttendanceCsv(record), 'utf8')
        : kind === 'pdf'
          ? Buffer.from(await issueMinutesPdf(p.meeting.id, record))
          : Buffer.from(kind === 'xlsx' ? renderAttendanceXlsx(record) : renderMinutesDocx(record));
    const documentKind = kind === 'docx' || kind === 'pdf' ? 'minutes' : 'attendance';
    ctx.res
      .status(200)
      .type(RECORD_MEDIA_TYPES[kind])
      .attachment(recordFileName(record, documentKind, kind))
      .send(body);
    return undefined;
  }

  for (const spec of ROUTES as readonly RouteSpec[]) {
    const handler = handlers[`${spec.method} ${spec.path}` as keyof typeof handlers];
    app[spec.method](spec.path, async (req: Request, res: Response) => {
      const ctx: Ctx = { req, res };
      if (spec.roles !== 'public') {
        ctx.grant = authenticate(req);
        if (!(spec.roles as readonly Role[]).includes(ctx.grant.role)) {
          throw new HubError(
            'FORBIDDEN',
            `${ctx.grant.role} may not ${spec.method.toUpperCase()} ${spec.path}`,
          );
        }
      }
      const out = await handler(ctx);
      if (out !== undefined && !res.headersSent) res.json(out);
    });
  }

  app.use('/api', (_req, _res, next) => next(new HubError('NOT_FOUND', 'no such route')));

  // The built SPA, with index.html for client-side routes (/join/<token>, /m/<id>, ...).
  const dist = d.config.clientDist;
  if (existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*splat}', (req, res, next) => {
      if (req.path.startsWith('/api/') || req.path.startsWith('/socket.io/')) return next();
      res.sendFile(path.join(dist, 'index.html'));
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    let body = toErrorBody(err);
    if (e?.type === 'entity.too.large')
      body = { code: 'PAYLOAD_TOO_LARGE', message: 'request body too large' };
    else if (e?.type === 'entity.parse.failed')
      body = { code: 'BAD_REQUEST', message: 'malformed JSON body' };
    else if (e?.status === 400 && body.code === 'INTERNAL')
      body = { code: 'BAD_REQUEST', message: 'bad request' };
    if (body.code === 'INTERNAL')
      d.logger.error('REST handler failed', { err: String(err), stack: (err as Error)?.stack });
    res.status(HTTP_STATUS_OF[body.code]).json({ error: body });
  });
  return app;
}
