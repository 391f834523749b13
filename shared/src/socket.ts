import { z } from 'zod';
import type { RevokeReason } from './access';
import {
  type BriefingView,
  DocumentPresentInput,
  type MeetingDocumentView,
  NoticeSetInput,
  type NoticeView,
  OpinionReadInput,
  OpinionSendInput,
  type OpinionView,
  type PresentationView,
  type ReportBoard,
  type SiteReportView,
  VoteAnswerInput,
  VoteCloseInput,
  VoteOpenInput,
  type VoteView,
} from './briefing';
import {
  AttendanceMark,
  type AttendanceRow,
  type FloorState,
  Id,
  type Meeting,
  type MeetingEnded,
  MeetingState,
  type MicStatus,
  type Role,
  type RollCall,
  RollCallAnswer,
  SitePresence,
  type Snapshot,
  Spotlight,
} from './domain';
import type { Ack, ErrorBody } from './errors';

/**
 * Socket.IO signalling contract. Connect with `io(url, { auth: { token } })` (an access token);
 * every client→server event is a request `(payload, ack)` whose ack receives
 * `{ ok: true, data } | { ok: false, error: { code, message } }`. Payloads are validated by the
 * schemas below; a socket must `meeting:join` before any other meeting event.
 */

const SiteRef = z.string().min(1).max(16);
const Text = (max: number) => z.string().max(max);

// --- media parameter shapes (mediasoup's; checked loosely, the SFU validates in depth) ---------
const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
const RtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z
    .array(z.looseObject({ mimeType: z.string().max(64) }))
    .min(1)
    .max(16),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  headerExtensions: z.array(z.looseObject({})).max(32).optional(),
  rtcp: z.looseObject({}).optional(),
});
const RtpCapabilities = z.looseObject({
  codecs: z
    .array(z.looseObject({ mimeType: z.string().max(64) }))
    .max(64)
    .optional(),
  headerExtensions: z.array(z.looseObject({})).max(64).optional(),
});

/**
 * Why `media:reset` came. Only `workerdied` takes the whole room (every producer) down; the
 * others reset one peer (issue #11: `transportlost`, the worker closed its transport).
 */
export const MEDIA_RESET_REASONS = ['workerdied', 'nodelost', 'pipelost', 'transportlost'] as const;
export type MediaResetReason = (typeof MEDIA_RESET_REASONS)[number];
/** Reasons that reset some peers only (the cluster's event.peersLost, a lost transport). */
export const PEERS_LOST_REASONS = MEDIA_RESET_REASONS;
export type PeersLostReason = MediaResetReason;

export type DtlsParametersWire = z.infer<typeof DtlsParameters>;
export type RtpParametersWire = z.infer<typeof RtpParameters>;
export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilities>;

export const MediaSource = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

/** Request payload schemas, one per client→server event. */
export const C2S = {
  /**
   * `lobby: true` = the pre-join screen (device and connectivity check): the socket may use the
   * media plane but is not in the meeting yet, so a site's attendance does not start. Joining
   * again without it enters the meeting.
   */
  'meeting:join': z.object({ meetingId: Id, lobby: z.boolean().optional() }),
  'meeting:leave': z.object({}),
  'meeting:snapshot': z.object({}),
  'meeting:transition': z.object({ to: MeetingState }),

  'agenda:start': z.object({ itemId: Id }),
  'agenda:next': z.object({}),
  'agenda:extend': z.object({ minutes: z.number().int().min(1).max(120) }),
  'agenda:reorder': z.object({ itemIds: z.array(Id).min(1).max(200) }),
  'agenda:note': z.object({
    itemId: Id,
    notes: Text(20_000).optional(),
    conclusions: Text(20_000).optional(),
  }),

  /** `itemId` = about that agenda item; absent = a general opinion (not filed under any item). */
  'floor:request': z.object({ itemId: Id.optional() }),
  'floor:cancel': z.object({}),
  /** The chair declines (removes) a site's request; the site gets `floor:declined`. */
  'floor:decline': z.object({ siteId: SiteRef, reason: Text(500).optional() }),
  'floor:reorder': z.object({ siteIds: z.array(SiteRef).max(5_000) }),
  'floor:grant': z.object({
    siteId: SiteRef,
    limitSeconds: z.number().int().min(0).max(3600).optional(),
  }),
  'floor:revoke': z.object({}),
  'floor:next': z.object({}),
  'floor:spotlight': z.object({ spotlight: Spotlight.nullable() }),

  'moderation:mute': z.object({ siteId: SiteRef }),
  'moderation:muteAll': z.object({}),
  /** Only for the floor holder: asks it to unmute; its mic opens once it accepts. */
  'moderation:askUnmute': z.object({ siteId: SiteRef }),
  /** The floor holder accepts the chair's request to unmute (then resumes its own mic). */
  'mic:acceptUnmute': z.object({}),
  'moderation:remove': z.object({ siteId: SiteRef, reason: Text(500).optional() }),
  'moderation:lock': z.object({ locked: z.boolean() }),
  /** The chair starts or stops the meeting's recording (every participant sees the indicator). */
  'recording:set': z.object({ on: z.boolean() }),

  'attendance:table': z.object({}),
  'attendance:mark': z.object({
    siteId: SiteRef,
    /** undefined = leave as is; null = clear the override. */
    mark: AttendanceMark.nullable().optional(),
    absenceReason: Text(500).optional(),
    /** null = clear the secretary's headcount (the latest roll-call answer counts again). */
    headcount: z.number().int().min(0).max(100_000).nullable().optional(),
    siteChair: Text(200).optional(),
    note: Text(2_000).optional(),
  }),

  'rollcall:start': z.object({ deadlineSeconds: z.number().int().min(5).max(3600) }),
  'rollcall:answer': z.object({ rollCallId: Id, headcount: z.number().int().min(0).max(100_000) }),
  'rollcall:close': z.object({ rollCallId: Id }),

  // Issue #14: votes, written opinions, the chair's notice, presenting a document.
  'briefing:get': z.object({}),
  'vote:open': VoteOpenInput,
  'vote:answer': VoteAnswerInput,
  'vote:close': VoteCloseInput,
  'opinion:send': OpinionSendInput,
  'opinion:read': OpinionReadInput,
  'notice:set': NoticeSetInput,
  'document:present': DocumentPresentInput,

  'media:routerCapabilities': z.object({}),
  'media:createTransport': z.object({ direction: z.enum(['send', 'recv']) }),
  'media:connectTransport': z.object({ transportId: Id, dtlsParameters: DtlsParameters }),
  'media:restartIce': z.object({ transportId: Id }),
  'media:produce': z.object({
    transportId: Id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: RtpParameters,
    source: MediaSource,
  }),
  'media:closeProducer': z.object({ producerId: Id }),
  /** Own producer only. Resuming a mic needs `mayProduce` (the floor, not muted). */
  'media:setProducerPaused': z.object({ producerId: Id, paused: z.boolean() }),
  'media:consume': z.object({
    transportId: Id,
    producerId: Id,
    rtpCapabilities: RtpCapabilities,
  }),
  'media:resumeConsumer': z.object({ consumerId: Id }),
  'media:pauseConsumer': z.object({ consumerId: Id }),
  'media:setPreferredLayers': z.object({
    consumerId: Id,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  }),
} as const;

export type C2SEventName = keyof typeof C2S;
export type C2SPayload<E extends C2SEventName> = z.infer<(typeof C2S)[E]>;

export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}
export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  type: string;
  producerPaused: boolean;
}
export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
}

/** Ack `data` type per event. */
export interface C2SResponses {
  'meeting:join': Snapshot;
  'meeting:leave': null;
  'meeting:snapshot': Snapshot;
  'meeting:transition': Meeting;
  'agenda:start': Meeting;
  'agenda:next': Meeting;
  'agenda:extend': Meeting;
  'agenda:reorder': Meeting;
  'agenda:note': Meeting;
  'floor:request': FloorState;
  'floor:cancel': FloorState;
  'floor:decline': FloorState;
  'floor:reorder': FloorState;
  'floor:grant': FloorState;
  'floor:revoke': FloorState;
  'floor:next': FloorState;
  'floor:spotlight': FloorState;
  'moderation:mute': null;
  'moderation:muteAll': { muted: number };
  'moderation:askUnmute': null;
  'mic:acceptUnmute': MicStatus;
  'moderation:remove': null;
  'moderation:lock': Meeting;
  'recording:set': Meeting;
  'attendance:table': AttendanceRow[];
  'attendance:mark': AttendanceRow;
  'rollcall:start': RollCall;
  'rollcall:answer': RollCallAnswer;
  'rollcall:close': RollCall;
  'briefing:get': BriefingView;
  'vote:open': VoteView;
  'vote:answer': VoteView;
  'vote:close': VoteView;
  'opinion:send': OpinionView;
  'opinion:read': OpinionView;
  'notice:set': NoticeView | null;
  'document:present': PresentationView | null;
  'media:routerCapabilities': { rtpCapabilities: unknown };
  'media:createTransport': TransportInfo;
  'media:connectTransport': null;
  'media:restartIce': { iceParameters: unknown };
  'media:produce': { id: string; paused: boolean };
  'media:closeProducer': null;
  'media:setProducerPaused': { paused: boolean };
  'media:consume': ConsumerInfo;
  'media:resumeConsumer': null;
  'media:pauseConsumer': null;
  'media:setPreferredLayers': null;
}

export type ClientToServerEvents = {
  [E in C2SEventName]: (payload: C2SPayload<E>, ack: Ack<C2SResponses[E]>) => void;
};

export { S2C_EVENTS } from './serverEvents';

export interface ServerToClientEvents {
  /**
   * The meeting was closed: show the end screen. Every socket; site sockets are disconnected
   * right after, staff stay (read-only: records and exports).
   */
  'meeting:ended': (p: MeetingEnded) => void;
  /** Meeting changed (state, lock, agenda, current item). Everyone in the meeting. */
  'meeting:updated': (meeting: Meeting) => void;
  /** Agenda changed: items with actual times, current item. Everyone. */
  'agenda:updated': (p: { agenda: Meeting['agenda']; currentItemId: string | null }) => void;
  /** Floor queue / holder / spotlight changed. Everyone. */
  'floor:updated': (floor: FloorState) => void;
  /** The chair declined this site's request to speak. The site and staff. */
  'floor:declined': (p: { siteId: string; reason?: string }) => void;
  /** Speaking time running out (60 s and 10 s left; 0 = expired and revoked). Everyone. */
  'floor:warning': (p: { siteId: string; secondsLeft: number }) => void;
  /** A site connected/disconnected or its media state changed. Staff only. */
  'presence:updated': (p: SitePresence) => void;
  /** A site's attendance row changed (mark, headcount...). Staff only. */
  'attendance:updated': (row: AttendanceRow) => void;
  /** Roll-call started: connected sites answer `rollcall:answer` before the deadline. Everyone. */
  'rollcall:started': (rc: RollCall) => void;
  /** One answer arrived. Staff only. */
  'rollcall:answered': (p: RollCallAnswer & { rollCallId: string }) => void;
  /** Roll-call closed (deadline or secretary): the result. Everyone. */
  'rollcall:closed': (rc: RollCall) => void;
  /** Your microphone (or every site's: siteId null) was muted by the chair. */
  'moderation:muted': (p: { siteId: string | null }) => void;
  /**
   * The chair asks the floor holder to unmute. Nothing opens by itself: the site shows a prompt
   * and answers `mic:acceptUnmute`. The site and staff.
   */
  'moderation:askUnmute': (p: { siteId: string }) => void;
  /** This site was removed from the meeting; the socket is disconnected after this. */
  'moderation:removed': (p: { siteId: string; reason?: string }) => void;
  /** This site's microphone state changed (`allowed` = its audio may flow now). To the site. */
  'mic:allowed': (p: { siteId: string } & MicStatus) => void;
  'media:newProducer': (p: ProducerInfo) => void;
  'media:producerClosed': (p: { producerId: string }) => void;
  /** A producer was paused/resumed (server enforcement or its owner). */
  'media:producerPaused': (p: { producerId: string; peerId: string; paused: boolean }) => void;
  'media:consumerClosed': (p: { consumerId: string }) => void;
  'media:activeSpeaker': (p: { peerId: string; producerId: string }) => void;
  /**
   * Dynacast: the simulcast layers (index 0 = lowest) of your producer that anybody takes now.
   * Send only those (RTCRtpSender.setParameters, encodings[i].active); a resumed layer starts
   * with a key frame. Senders start with every layer on. To the producer's socket.
   */
  'media:layersWanted': (p: { producerId: string; layers: boolean[] }) => void;
  /**
   * Your media must be negotiated again: close every transport and start over from
   * `media:routerCapabilities`. `workerdied` (one hub): the meeting's media room was lost, every
   * producer with it; to everyone. `nodelost`/`pipelost` (cluster) and `transportlost` (the
   * worker closed one of your transports: DTLS failed or closed) reset only you: the others'
   * producers stand. See MEDIA_RESET_REASONS.
   */
  'media:reset': (p: { reason: MediaResetReason }) => void;
  /** A vote opened, changed (staff: every ballot) or closed (sites: open and close, with the result once closed). */
  'vote:updated': (vote: VoteView) => void;
  /** A written opinion arrived or was marked as read out. Staff and the site that sent it. */
  'opinion:updated': (opinion: OpinionView) => void;
  /** The chair's one-line notice to every site (null = cleared). Everyone. */
  'notice:updated': (p: { notice: NoticeView | null }) => void;
  /** The meeting's documents changed (staff also get who opened which). Everyone. */
  'documents:updated': (p: { documents: MeetingDocumentView[] }) => void;
  /** The chair presents a document page (null = stopped). Everyone. */
  'document:presented': (p: { presentation: PresentationView | null }) => void;
  /** Staff: the report board changed. */
  'report:board': (board: ReportBoard) => void;
  /** A site: its report's status changed, or the secretary reminded it (lastRemindedAt). */
  'report:updated': (report: SiteReportView) => void;
  /** Access token expires soon: refresh it over REST and reconnect with the new one. */
  'session:expiring': (p: { expiresAt: string }) => void;
  /**
   * The access token expired: the hub disconnects the socket right after this. Renew the token
   * over REST and connect again. `code` is always `TOKEN_EXPIRED`.
   */
  'session:expired': (p: ErrorBody) => void;
  /**
   * Access was taken back (logout elsewhere, password changed, account disabled or its role
   * changed, the invitation link revoked, another browser took a one-browser link): the hub
   * disconnects the socket right after this. Do not reconnect with these tokens: sign in again
   * (or ask the secretary for a new link). `by`: the browser that took over.
   */
  'session:revoked': (p: { reason: RevokeReason; by?: { device: string } }) => void;
  /**
   * Another browser of this site entered the meeting and replaced this one (one browser per
   * site): the hub disconnects the socket right after this. `device` is the newcomer's.
   */
  'session:displaced': (p: { device: string; at: string }) => void;
}

export interface InterServerEvents {
  ping: () => void;
  /**
   * A hub appended to a meeting's log (up to `seq`): the others that hold the meeting catch up,
   * so the node hosting its media enforces it at once.
   */
  'meeting:advanced': (meetingId: string, seq: number) => void;
  /** A site's newcomer socket `keep` replaced its older connections: end those held here. */
  'site:displaced': (
    meetingId: string,
    siteId: string,
    keep: string,
    notice: { device: string; at: string },
  ) => void;
}

/**
 * Who may send each event (in a meeting they belong to). `admin` may do everything chair and
 * secretary may. Sites may additionally only touch their own media and floor request.
 */
export const EVENT_ROLES: Record<C2SEventName, readonly Role[]> = {
  'meeting:join': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'meeting:leave': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'meeting:snapshot': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'meeting:transition': ['admin', 'chair', 'secretary'],
  'agenda:start': ['admin', 'chair'],
  'agenda:next': ['admin', 'chair'],
  'agenda:extend': ['admin', 'chair'],
  'agenda:reorder': ['admin', 'chair', 'secretary'],
  'agenda:note': ['admin', 'secretary'],
  'floor:request': ['site'],
  'floor:cancel': ['site'],
  'floor:decline': ['admin', 'chair'],
  'floor:reorder': ['admin', 'chair'],
  'floor:grant': ['admin', 'chair'],
  'floor:revoke': ['admin', 'chair'],
  'floor:next': ['admin', 'chair'],
  'floor:spotlight': ['admin', 'chair'],
  'moderation:mute': ['admin', 'chair'],
  'moderation:muteAll': ['admin', 'chair'],
  'moderation:askUnmute': ['admin', 'chair'],
  'mic:acceptUnmute': ['site'],
  'moderation:remove': ['admin', 'chair'],
  'moderation:lock': ['admin', 'chair'],
  'recording:set': ['admin', 'chair'],
  'attendance:table': ['admin', 'chair', 'secretary', 'observer'],
  'attendance:mark': ['admin', 'secretary'],
  'rollcall:start': ['admin', 'chair', 'secretary'],
  'rollcall:answer': ['site'],
  'rollcall:close': ['admin', 'chair', 'secretary'],
  'briefing:get': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'vote:open': ['admin', 'chair'],
  'vote:answer': ['site'],
  'vote:close': ['admin', 'chair'],
  'opinion:send': ['site'],
  'opinion:read': ['admin', 'chair', 'secretary'],
  'notice:set': ['admin', 'chair'],
  'document:present': ['admin', 'chair', 'secretary'],
  'media:routerCapabilities': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:createTransport': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:connectTransport': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:restartIce': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:produce': ['admin', 'chair', 'site'],
  'media:closeProducer': ['admin', 'chair', 'site'],
  'media:setProducerPaused': ['admin', 'chair', 'site'],
  'media:consume': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:resumeConsumer': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:pauseConsumer': ['admin', 'chair', 'secretary', 'site', 'observer'],
  'media:setPreferredLayers': ['admin', 'chair', 'secretary', 'site', 'observer'],
};

export const C2S_EVENTS = Object.keys(C2S) as C2SEventName[];

/** Room names, for documentation: everyone in `m:<id>`, staff in `m:<id>:staff`, a site in `m:<id>:site:<siteId>`. */
export const STAFF_ROLES: readonly Role[] = ['admin', 'chair', 'secretary', 'observer'];

/** Size limits the hub enforces (documented so the client can stay inside them). */
export const LIMITS = {
  /** Socket.IO maxHttpBufferSize: bigger frames close the connection. */
  socketMaxPayloadBytes: 64 * 1024,
  /** REST JSON body limit (directory imports can be big: 3,321 wards ≈ 1.5 MB). */
  restJsonBodyBytes: 8 * 1024 * 1024,
  /** Token bucket per socket: burst, refill per second. */
  socketBurst: 200,
  socketRefillPerSecond: 100,
  /**
   * What one site can append to the meeting's permanent log (requests, cancels, joins, leaves,
   * roll-call answers, media changes): a budget of `siteLogBurst` entries refilled at
   * `siteLogPerMinute` a minute, per hub process. Beyond it the command answers RATE_LIMITED
   * (a media change is recorded once the budget allows). Leaves are always recorded.
   */
  siteLogBurst: 30,
  siteLogPerMinute: 12,
} as const;

export { RollCallAnswer, SitePresence };
