import { CreateAccountBody, UpdateAccountBody } from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import { grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

export function accountRoutes(
  d: RouteDeps,
): RouteTable<
  'get /api/accounts' | 'post /api/accounts' | 'patch /api/accounts/:id' | 'get /api/audit'
> {
  return {
    'get /api/accounts': async () => d.accounts.list(),
    'post /api/accounts': async (ctx) =>
      d.accounts.create(parse(CreateAccountBody, ctx.req.body), actorOf(grantOf(ctx))),
    'patch /api/accounts/:id': async (ctx) =>
      d.accounts.update(idOf(ctx), parse(UpdateAccountBody, ctx.req.body), actorOf(grantOf(ctx))),
    'get /api/audit': async ({ req }) => {
      const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 200) || 200));
      return d.accounts.audit(limit);
    },
  };
}
