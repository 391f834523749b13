import type { Grant, ROUTES } from '@giaoban/shared';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { AccessControl } from '../../auth/AccessControl';
import type { TokenService, Verified } from '../../auth/TokenService';
import type { HubConfig } from '../../config/Config';
import type { AccountService } from '../../domain/AccountService';
import type { BriefingService } from '../../domain/briefing/BriefingService';
import type { DirectoryService } from '../../domain/DirectoryService';
import type { MeetingCatalog } from '../../domain/MeetingCatalog';
import type { MeetingDocuments } from '../../domain/MeetingDocuments';
import type { MeetingService } from '../../domain/MeetingService';
import type { FileStore } from '../../files/FileStore';
import type { MediaGateway } from '../../media/MediaGateway';
import type { HubMetrics } from '../../observability/HubMetrics';
import type { MeetingArchive } from '../../recording/MeetingArchive';
import type { Store } from '../../store/Store';
import type { Clock } from '../../util/Clock';
import { badRequest } from '../../util/HubError';

/** What route files reach: services (and the store only for its health). */
export interface RouteDeps {
  config: HubConfig;
  access: AccessControl;
  tokens: TokenService;
  accounts: AccountService;
  directory: DirectoryService;
  meetings: MeetingService;
  briefing: BriefingService;
  files: FileStore;
  archive: MeetingArchive;
  catalog: MeetingCatalog;
  documents: MeetingDocuments;
  store: Pick<Store, 'kind' | 'ping'>;
  media?: MediaGateway | undefined;
  metrics: HubMetrics;
  clock: Clock;
  startedAt: number;
}

type Route = (typeof ROUTES)[number];
export type RouteKey = Route extends infer R
  ? R extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never
  : never;

export interface Ctx {
  req: Request;
  res: Response;
  /** Set for every route that is not public (checked against the route's roles). */
  grant?: Grant;
  /** The verified access token of an authenticated route (its session, for logout). */
  verified?: Verified;
}

/** A route handler: resolves to the JSON body, or undefined when it answered itself. */
export type RouteHandler = (ctx: Ctx) => Promise<unknown>;
export type RouteTable<K extends RouteKey = RouteKey> = { [P in K]: RouteHandler };

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(r.error.issues);
  return r.data;
}

/** The grant of an authenticated route. */
export const grantOf = (ctx: Ctx): Grant => ctx.grant!;
/** The `:id` path parameter. */
export const idOf = (ctx: Ctx): string => String(ctx.req.params.id);
