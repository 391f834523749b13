// Fresh briefings on a running test hub, made through the REST API the way a secretary would
// (create, schedule, open, invite), and the people who take part in them: staff logged in with
// their demo accounts, sites through their invitation links, optionally sending a microphone
// on a real send transport of the hub's mediasoup worker.

import type { Invitation, Meeting } from '@giaoban/shared';
import {
  type ClientSocket,
  exchangeInvite,
  FAKE_DTLS,
  login,
  ok,
  opusRtpParameters,
  rest,
  type TestHub,
} from './hub';

export type StaffRole = 'admin' | 'chair' | 'secretary' | 'observer';

export interface Briefing {
  meetingId: string;
  meeting: Meeting;
  /** Invited sites in order, each with its invitation token. */
  sites: Array<{ siteId: string; inviteToken: string }>;
}

export interface BriefingOptions {
  sites?: number;
  speakingLimitSeconds?: number;
  agenda?: Array<{ title: string; plannedMinutes: number; presenterSiteIds?: string[] }>;
  /** Stop in this state (default open). */
  state?: 'scheduled' | 'open' | 'in_session';
}

/** Creates, schedules and opens a new briefing of the seeded chair and secretary. */
export async function newBriefing(t: TestHub, opts: BriefingOptions = {}): Promise<Briefing> {
  const { people } = t.seed;
  const admin = (await login(t.url, people.admin.username, people.admin.password)).accessToken;
  const siteIds = t.seed.sites.slice(0, opts.sites ?? t.seed.sites.length).map((s) => s.siteId);
  const created = await rest<Meeting>(t.url, 'POST', '/api/meetings', {
    token: admin,
    body: {
      title: 'Giao ban kiểm thử',
      scheduledStart: new Date().toISOString(),
      chairId: people.chair.id,
      secretaryId: people.secretary.id,
      siteIds,
      agenda: opts.agenda ?? [
        { title: 'Khai mạc', plannedMinutes: 5 },
        { title: 'Báo cáo', plannedMinutes: 20, presenterSiteIds: siteIds.slice(0, 1) },
        { title: 'Ý kiến các xã, phường', plannedMinutes: 20 },
      ],
      speakingLimitSeconds: opts.speakingLimitSeconds ?? 300,
      issuingBody: 'UBND',
      place: 'Hà Nội',
    },
  });
  if (created.status !== 201) throw new Error(`create meeting: ${JSON.stringify(created.body)}`);
  const meetingId = created.body.id;
  const path = ['scheduled', 'open', 'in_session'];
  const until = path.indexOf(opts.state ?? 'open');
  let meeting = created.body;
  for (const to of path.slice(0, until + 1)) {
    const r = await rest<Meeting>(t.url, 'POST', `/api/meetings/${meetingId}/transition`, {
      token: admin,
      body: { to },
    });
    if (r.status !== 200) throw new Error(`transition ${to}: ${JSON.stringify(r.body)}`);
    meeting = r.body;
  }
  const inv = await rest<Invitation[]>(t.url, 'POST', `/api/meetings/${meetingId}/invitations`, {
    token: admin,
    body: {},
  });
  if (inv.status !== 200) throw new Error(`invitations: ${JSON.stringify(inv.body)}`);
  return {
    meetingId,
    meeting,
    sites: inv.body.map((i) => ({ siteId: i.siteId, inviteToken: i.token })),
  };
}

export interface People {
  /** A staff socket that joined the briefing. */
  staff(role: StaffRole): Promise<ClientSocket>;
  /** A REST access token of a staff member. */
  token(role: StaffRole): Promise<string>;
  /** A site socket (invitation link) that joined, with a paused-or-live mic when `mic` is set. */
  site(i: number, opts?: { mic?: number; lobby?: boolean }): Promise<SitePeer>;
}

export interface SitePeer {
  s: ClientSocket;
  siteId: string;
  accessToken: string;
  /** The mic producer, when asked for. */
  producerId?: string;
  /** Whether the hub started that mic paused. */
  startedPaused?: boolean;
}

/** Sends a mic from `s` on a fresh send transport; resolves to the producer and its paused flag. */
export async function sendMic(s: ClientSocket, ssrc: number) {
  await ok(s, 'media:routerCapabilities', {});
  const tr = await ok(s, 'media:createTransport', { direction: 'send' });
  await ok(s, 'media:connectTransport', { transportId: tr.id, dtlsParameters: FAKE_DTLS });
  const mic = await ok(s, 'media:produce', {
    transportId: tr.id,
    kind: 'audio',
    rtpParameters: opusRtpParameters(ssrc),
    source: 'mic',
  });
  return { producerId: mic.id, paused: mic.paused };
}

export function people(t: TestHub, b: Briefing, open: (token: string) => Promise<ClientSocket>) {
  const tokens = new Map<StaffRole, string>();
  const token = async (role: StaffRole) => {
    let tok = tokens.get(role);
    if (!tok) {
      const p = t.seed.people[role];
      tok = (await login(t.url, p.username, p.password)).accessToken;
      tokens.set(role, tok);
    }
    return tok;
  };
  const out: People = {
    token,
    async staff(role) {
      const s = await open(await token(role));
      await ok(s, 'meeting:join', { meetingId: b.meetingId });
      return s;
    },
    async site(i, opts = {}) {
      const site = b.sites[i];
      if (!site) throw new Error(`no site ${i}`);
      const accessToken = (await exchangeInvite(t.url, site.inviteToken)).accessToken;
      const s = await open(accessToken);
      await ok(s, 'meeting:join', { meetingId: b.meetingId, lobby: opts.lobby ?? false });
      const peer: SitePeer = { s, siteId: site.siteId, accessToken };
      if (opts.mic !== undefined) {
        const mic = await sendMic(s, opts.mic);
        peer.producerId = mic.producerId;
        peer.startedPaused = mic.paused;
      }
      return peer;
    },
  };
  return out;
}
