import {
  type Grant,
  InvitationExchangeBody,
  LoginBody,
  RefreshBody,
  type TokenResponse,
} from '@giaoban/shared';
import type { Request } from 'express';
import type { z } from 'zod';
import { grantOf as grantOfAccount } from '../../domain/AccountService';
import { HubError } from '../../util/HubError';
import { TokenBucket } from '../../util/TokenBucket';
import { type Ctx, grantOf, parse, type RouteDeps, type RouteTable } from './kit';

export function authRoutes(
  d: RouteDeps,
): RouteTable<
  | 'post /api/auth/login'
  | 'post /api/auth/refresh'
  | 'post /api/auth/invitation'
  | 'get /api/auth/me'
> {
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
  const issue = (grant: Grant): z.infer<typeof TokenResponse> => ({
    accessToken: d.tokens.sign('access', grant).token,
    refreshToken: d.tokens.sign('refresh', grant).token,
    expiresIn: d.config.jwt.accessTtlSeconds,
    grant,
  });
  return {
    'post /api/auth/login': async ({ req }) => {
      loginLimit(req);
      const body = parse(LoginBody, req.body);
      return issue(grantOfAccount(await d.accounts.login(body.username, body.password)));
    },
    'post /api/auth/refresh': async ({ req }) => {
      const { grant } = d.tokens.verify(parse(RefreshBody, req.body).refreshToken, 'refresh');
      // A disabled account cannot renew (site invitation grants have no account record).
      if (!grant.meetingId && !(await d.accounts.isActive(grant.sub))) {
        throw new HubError('UNAUTHENTICATED', 'account disabled');
      }
      return issue(grant);
    },
    'post /api/auth/invitation': async ({ req }) => {
      const { grant } = d.tokens.verify(parse(InvitationExchangeBody, req.body).token, 'invite');
      return issue(grant);
    },
    'get /api/auth/me': async (ctx: Ctx) => grantOf(ctx),
  };
}
