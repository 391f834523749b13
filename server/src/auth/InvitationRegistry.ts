import type { Actor, Grant, MeetingState } from '@giaoban/shared';
import type { InvitationRecord, InvitationUse } from '../store/AccessStore';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import { deviceLabel } from './device';
import type { ClientInfo, Issued, SessionService } from './SessionService';
import type { TokenService } from './TokenService';

/** How many uses of a link are kept for the secretary to see (all are counted). */
const USES_KEPT = 20;

export interface InvitationLink {
  invitation: InvitationRecord;
  token: string;
  url: string;
}

export interface InvitationView extends InvitationRecord {
  uses: { total: number; recent: InvitationUse[] };
  /** Browsers holding a live session opened with this link. */
  activeSessions: number;
}

export interface InvitationRegistryDeps {
  store: Pick<Store, 'access' | 'appendAudit'>;
  tokens: TokenService;
  sessions: SessionService;
  clock: Clock;
  publicUrl: string;
  inviteTtlSeconds: number;
  /** The meeting's state, undefined when there is no such meeting. */
  meetingState: (meetingId: string) => Promise<MeetingState | undefined>;
}

/**
 * Invitation links, one live one per site and meeting. A link is a signed token naming its
 * invitation; the invitation's record decides whether it still works: revoked (by the secretary,
 * or replaced by a re-issued link) or its meeting closed, and the exchange answers 401. Each
 * exchange is recorded (when, address, browser) and opens a session whose principal is
 * `inv:<id>`, so revoking the invitation ends those sessions and disconnects their sockets on
 * every hub process. `singleBrowser` keeps one browser at a time: a new exchange ends the
 * earlier browser's session, which is told which device took over.
 */
export class InvitationRegistry {
  constructor(private readonly d: InvitationRegistryDeps) {
    d.sessions.addRenewalCheck(async (s) => {
      if (!s.invitationId) return;
      await this.usable(s.invitationId);
    });
  }

  /**
   * The live link of each site (made when missing), with a freshly signed token: asking twice
   * gives links to the same invitation, so the CSV and a copied link stay interchangeable.
   */
  async ensure(
    meetingId: string,
    sites: ReadonlyArray<{ siteId: string; siteName: string }>,
    actor: Actor,
    opts: { singleBrowser?: boolean } = {},
  ): Promise<InvitationLink[]> {
    const live = new Map<string, InvitationRecord>();
    for (const inv of await this.d.store.access.listInvitations(meetingId)) {
      if (!inv.revokedAt && Date.parse(inv.expiresAt) > this.d.clock.now()) {
        live.set(inv.siteId, inv);
      }
    }
    const out: InvitationLink[] = [];
    for (const site of sites) {
      let inv = live.get(site.siteId);
      if (inv && opts.singleBrowser !== undefined && inv.singleBrowser !== opts.singleBrowser) {
        inv = { ...inv, singleBrowser: opts.singleBrowser };
        await this.d.store.access.putInvitation(inv);
      }
      inv ??= await this.create(meetingId, site, actor, opts.singleBrowser ?? false);
      out.push(this.link(inv));
    }
    return out;
  }

  /**
   * Revokes a link: it stops working at once and the browsers that came in with it are
   * disconnected. With `reissue`, a new link for the same site replaces it.
   */
  async revoke(
    meetingId: string,
    invitationId: string,
    actor: Actor,
    opts: { reissue?: boolean } = {},
  ): Promise<{ revoked: InvitationRecord; replacement?: InvitationLink }> {
    const inv = await this.d.store.access.getInvitation(invitationId);
    if (!inv || inv.meetingId !== meetingId) {
      throw new HubError('NOT_FOUND', `invitation ${invitationId} not found in this meeting`);
    }
    if (inv.revokedAt) throw new HubError('CONFLICT', 'this link is already revoked');
    const now = this.d.clock.now();
    let replacement: InvitationLink | undefined;
    if (opts.reissue) {
      const next = await this.create(
        meetingId,
        { siteId: inv.siteId, siteName: inv.siteName },
        actor,
        inv.singleBrowser,
      );
      inv.replacedBy = next.id;
      replacement = this.link(next);
    }
    inv.revokedAt = new Date(now).toISOString();
    inv.revokedBy = actor.id;
    await this.d.store.access.putInvitation(inv);
    const ended = await this.d.sessions.endAll(`inv:${inv.id}`, 'invitation_revoked');
    await this.d.store.appendAudit({
      id: newId('au_'),
      at: inv.revokedAt,
      actor,
      action: opts.reissue ? 'invitation.reissue' : 'invitation.revoke',
      target: meetingId,
      detail: {
        invitation: inv.id,
        siteId: inv.siteId,
        sessions: ended,
        ...(replacement ? { replacement: replacement.invitation.id } : {}),
      },
    });
    return replacement ? { revoked: inv, replacement } : { revoked: inv };
  }

  /** An invitation link exchanged for a session. */
  async exchange(token: string, client: ClientInfo): Promise<Issued> {
    const v = this.d.tokens.verify(token, 'invite');
    const id = v.session.invitationId;
    if (!id) throw new HubError('UNAUTHENTICATED', 'this invitation link is no longer valid');
    const inv = await this.usable(id);
    if (v.grant.meetingId !== inv.meetingId || v.grant.siteId !== inv.siteId) {
      throw new HubError('UNAUTHENTICATED', 'invitation does not match its record');
    }
    const grant: Grant = {
      sub: `site:${inv.siteId}`,
      role: 'site',
      name: inv.siteName,
      siteId: inv.siteId,
      meetingId: inv.meetingId,
    };
    const issued = await this.d.sessions.open(grant, client, { invitationId: inv.id });
    if (inv.singleBrowser) {
      const device = deviceLabel(client.userAgent);
      for (const s of await this.d.sessions.list(`inv:${inv.id}`)) {
        if (s.id !== issued.sessionId && !s.revokedAt) {
          await this.d.sessions.end(s.id, 'displaced', undefined, { device });
        }
      }
    }
    await this.d.store.access.addInvitationUse(
      inv.id,
      {
        at: new Date(this.d.clock.now()).toISOString(),
        ip: client.ip.slice(0, 64),
        device: deviceLabel(client.userAgent),
        sessionId: issued.sessionId,
      },
      USES_KEPT,
    );
    return issued;
  }

  /** Every invitation of the meeting with its uses, for the secretary. */
  async list(meetingId: string): Promise<InvitationView[]> {
    const invs = await this.d.store.access.listInvitations(meetingId);
    return Promise.all(
      invs.map(async (inv) => {
        const [uses, sessions] = await Promise.all([
          this.d.store.access.listInvitationUses(inv.id),
          this.d.sessions.list(`inv:${inv.id}`),
        ]);
        return { ...inv, uses, activeSessions: sessions.filter((s) => !s.revokedAt).length };
      }),
    );
  }

  /** The link (token and URL) of a live invitation. */
  link(inv: InvitationRecord): InvitationLink {
    const ttl = Math.max(1, Math.round((Date.parse(inv.expiresAt) - this.d.clock.now()) / 1000));
    const { token } = this.d.tokens.sign(
      'invite',
      {
        sub: `site:${inv.siteId}`,
        role: 'site',
        name: inv.siteName,
        siteId: inv.siteId,
        meetingId: inv.meetingId,
      },
      ttl,
      { invitationId: inv.id },
    );
    return { invitation: inv, token, url: `${this.d.publicUrl}/join/${token}` };
  }

  /** The invitation when it still opens sessions; UNAUTHENTICATED otherwise. */
  private async usable(id: string): Promise<InvitationRecord> {
    const inv = await this.d.store.access.getInvitation(id);
    if (!inv) throw new HubError('UNAUTHENTICATED', 'unknown invitation');
    if (inv.revokedAt) throw new HubError('UNAUTHENTICATED', 'this invitation link was revoked');
    // The record's expiry, not only the token's: one clock (the hub's) decides, and a link the
    // secretary sees as expired is expired.
    if (Date.parse(inv.expiresAt) <= this.d.clock.now()) {
      throw new HubError('UNAUTHENTICATED', 'this invitation link has expired');
    }
    const state = await this.d.meetingState(inv.meetingId);
    if (state === undefined) throw new HubError('UNAUTHENTICATED', 'unknown meeting');
    // A distinct code: the site's browser shows "the meeting is over", not "bad link".
    if (state === 'closed') throw new HubError('MEETING_CLOSED', 'the meeting is closed');
    return inv;
  }

  private async create(
    meetingId: string,
    site: { siteId: string; siteName: string },
    actor: Actor,
    singleBrowser: boolean,
  ): Promise<InvitationRecord> {
    const now = this.d.clock.now();
    const inv: InvitationRecord = {
      id: newId('inv_'),
      meetingId,
      siteId: site.siteId,
      siteName: site.siteName,
      createdAt: new Date(now).toISOString(),
      createdBy: actor.id,
      expiresAt: new Date(now + this.d.inviteTtlSeconds * 1000).toISOString(),
      singleBrowser,
    };
    await this.d.store.access.putInvitation(inv);
    return inv;
  }
}
