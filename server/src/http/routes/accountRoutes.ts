import { CreateAccountBody, UpdateAccountBody } from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import { HubError } from '../../util/HubError';
import { sessionView } from './authRoutes';
import { grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

export function accountRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/accounts'
  | 'post /api/accounts'
  | 'patch /api/accounts/:id'
  | 'delete /api/accounts/:id'
  | 'get /api/accounts/:id/sessions'
  | 'delete /api/accounts/:id/sessions'
  | 'delete /api/accounts/:id/sessions/:sessionId'
  | 'get /api/audit'
> {
  const { sessions } = d.access;
  return {
    'get /api/accounts': async () => d.accounts.list(),
    'post /api/accounts': async (ctx) =>
      d.accounts.create(parse(CreateAccountBody, ctx.req.body), actorOf(grantOf(ctx))),
    'patch /api/accounts/:id': async (ctx) =>
      d.accounts.update(idOf(ctx), parse(UpdateAccountBody, ctx.req.body), actorOf(grantOf(ctx))),
    'delete /api/accounts/:id': async (ctx) => {
      await d.accounts.delete(idOf(ctx), actorOf(grantOf(ctx)));
      return null;
    },
    'get /api/accounts/:id/sessions': async (ctx) =>
      (await sessions.list(idOf(ctx))).map((s) => sessionView(s, ctx.verified?.session.sessionId)),
    'delete /api/accounts/:id/sessions': async (ctx) => {
      await sessions.endAll(idOf(ctx), 'revoked', actorOf(grantOf(ctx)));
      return null;
    },
    'delete /api/accounts/:id/sessions/:sessionId': async (ctx) => {
      const s = await sessions.get(String(ctx.req.params.sessionId));
      if (!s || s.principal !== idOf(ctx)) throw new HubError('NOT_FOUND', 'no such session');
      await sessions.end(s.id, 'revoked', actorOf(grantOf(ctx)));
      return null;
    },
    'get /api/audit': async ({ req }) => {
      const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 200) || 200));
      return d.accounts.audit(limit);
    },
  };
}
