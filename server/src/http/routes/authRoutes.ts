import {
  ChangePasswordBody,
  InvitationExchangeBody,
  LoginBody,
  RefreshBody,
  type SessionView,
  type TokenResponse,
} from '@giaoban/shared';
import type { Request } from 'express';
import { RetryLaterError } from '../../auth/LoginThrottle';
import type { ClientInfo, Issued } from '../../auth/SessionService';
import { principalOf } from '../../auth/TokenService';
import { grantOf as grantOfAccount } from '../../domain/AccountService';
import { actorOf } from '../../domain/access';
import type { SessionRecord } from '../../store/AccessStore';
import { HubError } from '../../util/HubError';
import { TokenBucket } from '../../util/TokenBucket';
import { type Ctx, grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

/** Where a request came from: req.ip honours TRUST_PROXY (createApp). */
export const clientOf = (req: Request): ClientInfo => ({
  ip: req.ip ?? 'unknown',
  userAgent: req.get('user-agent') ?? '',
});

/** A stored session as its owner or an admin sees it. */
export function sessionView(s: SessionRecord, currentId?: string): SessionView {
  const v: SessionView = {
    id: s.id,
    role: s.role,
    name: s.name,
    device: s.device,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    expiresAt: s.expiresAt,
    current: s.id === currentId,
  };
  if (s.meetingId) v.meetingId = s.meetingId;
  if (s.siteId) v.siteId = s.siteId;
  if (s.revokedAt) v.revokedAt = s.revokedAt;
  if (s.revokedReason) v.revokedReason = s.revokedReason;
  return v;
}

const tokenResponse = ({ sessionId: _s, ...t }: Issued): TokenResponse => t;

export function authRoutes(
  d: RouteDeps,
): RouteTable<
  | 'post /api/auth/login'
  | 'post /api/auth/refresh'
  | 'post /api/auth/invitation'
  | 'get /api/auth/me'
  | 'post /api/auth/logout'
  | 'get /api/auth/sessions'
  | 'delete /api/auth/sessions/:id'
  | 'post /api/auth/password'
> {
  const { sessions, invitations, throttle } = d.access;
  // Flood control per address on top of the per-account/per-address failure delay.
  const loginBuckets = new Map<string, TokenBucket>();
  const loginLimit = (ip: string) => {
    let b = loginBuckets.get(ip);
    if (!b) {
      if (loginBuckets.size > 10_000) loginBuckets.clear();
      b = new TokenBucket(20, 2);
      loginBuckets.set(ip, b);
    }
    if (!b.take()) throw new RetryLaterError(1, 'too many login attempts');
  };
  const sessionOf = (ctx: Ctx) => ctx.verified?.session.sessionId;
  const principal = (ctx: Ctx) => principalOf(grantOf(ctx), ctx.verified?.session ?? {});
  return {
    'post /api/auth/login': async ({ req }) => {
      const client = clientOf(req);
      loginLimit(client.ip);
      const body = parse(LoginBody, req.body);
      await throttle.check(body.username, client.ip);
      let account: Awaited<ReturnType<typeof d.accounts.login>>;
      try {
        account = await d.accounts.login(body.username, body.password);
      } catch (e) {
        if (e instanceof HubError && e.code === 'UNAUTHENTICATED') {
          await throttle.failed(body.username, client.ip);
        }
        throw e;
      }
      await throttle.succeeded(body.username);
      return tokenResponse(
        await sessions.open(grantOfAccount(account), client, { accountId: account.id }),
      );
    },
    'post /api/auth/refresh': async ({ req }) =>
      tokenResponse(
        await sessions.refresh(parse(RefreshBody, req.body).refreshToken, clientOf(req)),
      ),
    'post /api/auth/invitation': async ({ req }) =>
      tokenResponse(
        await invitations.exchange(parse(InvitationExchangeBody, req.body).token, clientOf(req)),
      ),
    'get /api/auth/me': async (ctx: Ctx) => grantOf(ctx),
    'post /api/auth/logout': async (ctx) => {
      const id = sessionOf(ctx);
      if (id) await sessions.end(id, 'logout');
      return null;
    },
    'get /api/auth/sessions': async (ctx) =>
      (await sessions.list(principal(ctx))).map((s) => sessionView(s, sessionOf(ctx))),
    'delete /api/auth/sessions/:id': async (ctx) => {
      const s = await sessions.get(idOf(ctx));
      if (!s || s.principal !== principal(ctx)) throw new HubError('NOT_FOUND', 'no such session');
      await sessions.end(s.id, s.id === sessionOf(ctx) ? 'logout' : 'revoked');
      return null;
    },
    'post /api/auth/password': async (ctx) => {
      const grant = grantOf(ctx);
      if (grant.meetingId) {
        throw new HubError('FORBIDDEN', 'an invitation link has no password to change');
      }
      const body = parse(ChangePasswordBody, ctx.req.body);
      const client = clientOf(ctx.req);
      await throttle.check(grant.sub, client.ip);
      // This browser stays signed in (its tokens and its socket: a secretary may change her
      // password mid-briefing); every other session of the account ends on every process.
      const keep = ctx.verified?.session.sessionId;
      const others = (await sessions.list(grant.sub)).filter(
        (s) => !s.revokedAt && s.id !== keep,
      ).length;
      try {
        await d.accounts.changeOwnPassword(
          grant.sub,
          body.currentPassword,
          body.newPassword,
          actorOf(grant),
          keep,
        );
      } catch (e) {
        if (e instanceof HubError && e.code === 'FORBIDDEN')
          await throttle.failed(grant.sub, client.ip);
        throw e;
      }
      return { endedSessions: others };
    },
  };
}
