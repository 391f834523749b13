import {
  CreateMeetingBody,
  InvitationsBody,
  MeetingEventsQuery,
  TransitionBody,
  UpdateMeetingBody,
} from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import { HubError } from '../../util/HubError';
import { grantOf, idOf, parse, type RouteDeps, type RouteTable } from './kit';

export function meetingRoutes(
  d: RouteDeps,
): RouteTable<
  | 'get /api/meetings'
  | 'post /api/meetings'
  | 'get /api/meetings/:id'
  | 'patch /api/meetings/:id'
  | 'post /api/meetings/:id/transition'
  | 'post /api/meetings/:id/invitations'
  | 'get /api/meetings/:id/attendance'
  | 'get /api/meetings/:id/events'
> {
  const { catalog } = d;
  return {
    'get /api/meetings': async (ctx) => catalog.list(grantOf(ctx)),
    'post /api/meetings': async (ctx) => {
      const m = await catalog.create(parse(CreateMeetingBody, ctx.req.body), actorOf(grantOf(ctx)));
      ctx.res.status(201);
      return m;
    },
    'get /api/meetings/:id': async (ctx) => catalog.get(idOf(ctx), grantOf(ctx)),
    'patch /api/meetings/:id': async (ctx) =>
      catalog.update(idOf(ctx), parse(UpdateMeetingBody, ctx.req.body), grantOf(ctx)),
    'post /api/meetings/:id/transition': async (ctx) => {
      await catalog.open(idOf(ctx), grantOf(ctx));
      const { to } = parse(TransitionBody, ctx.req.body);
      return d.meetings.transition(idOf(ctx), actorOf(grantOf(ctx)), to);
    },
    'post /api/meetings/:id/invitations': async (ctx) => {
      const { p } = await catalog.open(idOf(ctx), grantOf(ctx));
      const body = parse(InvitationsBody, ctx.req.body ?? {});
      return (body.siteIds ?? [...p.sites.keys()]).map((siteId) => {
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
      (await catalog.open(idOf(ctx), grantOf(ctx))).p.attendanceTable(d.clock.now()),
    'get /api/meetings/:id/events': async (ctx) =>
      catalog.events(idOf(ctx), grantOf(ctx), parse(MeetingEventsQuery, ctx.req.query)),
  };
}
