import { existsSync } from 'node:fs';
import path from 'node:path';
import { HTTP_STATUS_OF, ROUTES, type Role, type RouteSpec } from '@giaoban/shared';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { AccessControl } from '../auth/AccessControl';
import { RetryLaterError } from '../auth/LoginThrottle';
import type { TokenService, Verified } from '../auth/TokenService';
import type { HubConfig } from '../config/Config';
import type { AccountService } from '../domain/AccountService';
import type { BriefingService } from '../domain/briefing/BriefingService';
import type { DirectoryService } from '../domain/DirectoryService';
import { MeetingCatalog } from '../domain/MeetingCatalog';
import { MeetingDocuments } from '../domain/MeetingDocuments';
import type { MeetingService } from '../domain/MeetingService';
import type { FileStore } from '../files/FileStore';
import type { MediaGateway } from '../media/MediaGateway';
import type { HubMetrics } from '../observability/HubMetrics';
import type { MeetingArchive } from '../recording/MeetingArchive';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError, toErrorBody } from '../util/HubError';
import type { Logger } from '../util/logger';
import { accountRoutes } from './routes/accountRoutes';
import { archiveRoutes } from './routes/archiveRoutes';
import { authRoutes } from './routes/authRoutes';
import { briefingRoutes } from './routes/briefingRoutes';
import { directoryRoutes } from './routes/directoryRoutes';
import type { Ctx, RouteDeps, RouteTable } from './routes/kit';
import { meetingRoutes } from './routes/meetingRoutes';
import { opsRoutes } from './routes/opsRoutes';
import { recordRoutes } from './routes/recordRoutes';

export interface AppDeps {
  config: HubConfig;
  access: AccessControl;
  store: Store;
  tokens: TokenService;
  accounts: AccountService;
  directory: DirectoryService;
  meetings: MeetingService;
  briefing: BriefingService;
  files: FileStore;
  archive: MeetingArchive;
  media?: MediaGateway | undefined;
  metrics: HubMetrics;
  logger: Logger;
  clock: Clock;
  startedAt: number;
}

/**
 * Express 5 app: every route comes from the shared ROUTES table (roles included) and is served
 * by the routes file of its service (routes/*.ts); this file only authenticates, checks the
 * role, sends the JSON and maps errors.
 */
export function createApp(d: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-For makes req.ip (login limits, session addresses): TRUST_PROXY.
  app.set('trust proxy', d.config.trustProxy);
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
  // Tokens and session lists must never sit in a browser's or a proxy's cache (errors included).
  // Every other /api answer is a signed-in user's data (attendance, minutes, invitation links,
  // an account's sessions): none of it belongs in a cache either.
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  // Access tokens are checked against revoked sessions and epochs (in-process, no round trip).
  const authenticate = (req: Request): Verified => {
    const h = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new HubError('UNAUTHENTICATED', 'missing bearer token');
    return d.access.sessions.verifyAccess(m[1]!);
  };

  const catalog = new MeetingCatalog(d);
  const documents = new MeetingDocuments({ catalog, store: d.store, clock: d.clock });
  const deps: RouteDeps = { ...d, catalog, documents };
  // One routes file per service; the compiler checks that every shared route has its handler.
  const handlers: RouteTable = {
    ...authRoutes(deps),
    ...directoryRoutes(deps),
    ...accountRoutes(deps),
    ...meetingRoutes(deps),
    ...recordRoutes(deps),
    ...briefingRoutes(deps),
    ...archiveRoutes(deps),
    ...opsRoutes(deps),
  };

  for (const spec of ROUTES as readonly RouteSpec[]) {
    const handler = handlers[`${spec.method} ${spec.path}` as keyof typeof handlers];
    app[spec.method](spec.path, async (req: Request, res: Response) => {
      const ctx: Ctx = { req, res };
      if (spec.roles !== 'public') {
        ctx.verified = authenticate(req);
        ctx.grant = ctx.verified.grant;
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
    if (err instanceof RetryLaterError) res.set('Retry-After', String(err.retryAfterSeconds));
    if (body.code === 'INTERNAL')
      d.logger.error('REST handler failed', { err: String(err), stack: (err as Error)?.stack });
    res.status(HTTP_STATUS_OF[body.code]).json({ error: body });
  });
  return app;
}
