import {
  CreateMeetingBody,
  type Invitation,
  InvitationsBody,
  type InvitationView,
  MeetingEventsQuery,
  RevokeInvitationBody,
  TransitionBody,
  UpdateMeetingBody,
} from '@giaoban/shared';
import type {
  InvitationLink,
  InvitationView as InvitationRecordView,
} from '../../auth/InvitationRegistry';
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
  | 'get /api/meetings/:id/invitations'
  | 'post /api/meetings/:id/invitations/:invitationId/revoke'
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
      if (p.meeting.state === 'closed') {
        throw new HubError('INVALID_STATE', 'the meeting is closed: its links no longer work');
      }
      const sites = (body.siteIds ?? [...p.sites.keys()]).map((siteId) => {
        if (!p.isInvited(siteId)) throw new HubError('NOT_FOUND', `site ${siteId} is not invited`);
        return { siteId, siteName: p.siteName(siteId) };
      });
      const opts = body.singleBrowser === undefined ? {} : { singleBrowser: body.singleBrowser };
      const links = await d.access.invitations.ensure(
        p.meeting.id,
        sites,
        actorOf(grantOf(ctx)),
        opts,
      );
      return links.map(invitationOf);
    },
    'get /api/meetings/:id/invitations': async (ctx) => {
      await catalog.open(idOf(ctx), grantOf(ctx));
      return (await d.access.invitations.list(idOf(ctx))).map(invitationView);
    },
    'post /api/meetings/:id/invitations/:invitationId/revoke': async (ctx) => {
      await catalog.open(idOf(ctx), grantOf(ctx));
      const body = parse(RevokeInvitationBody, ctx.req.body ?? {});
      const r = await d.access.invitations.revoke(
        idOf(ctx),
        String(ctx.req.params.invitationId),
        actorOf(grantOf(ctx)),
        { reissue: body.reissue === true },
      );
      return r.replacement
        ? { revokedId: r.revoked.id, replacement: invitationOf(r.replacement) }
        : { revokedId: r.revoked.id };
    },
    'get /api/meetings/:id/attendance': async (ctx) =>
      (await catalog.open(idOf(ctx), grantOf(ctx))).p.attendanceTable(d.clock.now()),
    'get /api/meetings/:id/events': async (ctx) =>
      catalog.events(idOf(ctx), grantOf(ctx), parse(MeetingEventsQuery, ctx.req.query)),
  };
}

function invitationOf(l: InvitationLink): Invitation {
  return {
    invitationId: l.invitation.id,
    singleBrowser: l.invitation.singleBrowser,
    siteId: l.invitation.siteId,
    siteName: l.invitation.siteName,
    token: l.token,
    url: l.url,
    expiresAt: l.invitation.expiresAt,
  };
}

function invitationView(v: InvitationRecordView): InvitationView {
  const out: InvitationView = {
    id: v.id,
    meetingId: v.meetingId,
    siteId: v.siteId,
    siteName: v.siteName,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    singleBrowser: v.singleBrowser,
    activeSessions: v.activeSessions,
    uses: {
      total: v.uses.total,
      recent: v.uses.recent.map((u) => ({ at: u.at, ip: u.ip, device: u.device })),
    },
  };
  if (v.revokedAt) out.revokedAt = v.revokedAt;
  if (v.replacedBy) out.replacedBy = v.replacedBy;
  return out;
}
