import { CreateGroupBody, DirectoryImportBody, UnitQuery } from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import { grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

export function directoryRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/units'
  | 'post /api/units/import'
  | 'get /api/groups'
  | 'post /api/groups'
  | 'delete /api/groups/:id'
> {
  return {
    'get /api/units': async ({ req }) => d.directory.list(parse(UnitQuery, req.query)),
    'post /api/units/import': async (ctx) =>
      d.directory.import(parse(DirectoryImportBody, ctx.req.body) as never, actorOf(grantOf(ctx))),
    'get /api/groups': async () => d.directory.listGroups(),
    'post /api/groups': async (ctx) =>
      d.directory.createGroup(parse(CreateGroupBody, ctx.req.body), actorOf(grantOf(ctx))),
    'delete /api/groups/:id': async (ctx) => {
      await d.directory.deleteGroup(idOf(ctx), actorOf(grantOf(ctx)));
      return null;
    },
  };
}
