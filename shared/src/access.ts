// Access that can be taken back: sessions (one per signed-in browser), their revocation, and the
// invitation links a secretary can revoke and re-issue. REST bodies and views; the routes are in
// rest.ts, the `session:revoked` / `session:displaced` pushes in socket.ts.
import { z } from 'zod';
import { IsoInstant, Role } from './domain';

/** Why a session ended (the client says it in words: i18n `session.reason.<reason>`). */
export const RevokeReason = z.enum([
  'logout',
  'revoked',
  'reuse',
  'password',
  'disabled',
  'role',
  'deleted',
  'invitation_revoked',
  'displaced',
  'meeting_closed',
]);
export type RevokeReason = z.infer<typeof RevokeReason>;

/** One signed-in browser, as its owner or an admin sees it. */
export const SessionView = z.object({
  id: z.string(),
  role: Role,
  name: z.string(),
  /** "Chrome 156 · Windows 10" */
  device: z.string(),
  userAgent: z.string(),
  /** Client address as the hub saw it (see TRUST_PROXY). */
  ip: z.string(),
  createdAt: IsoInstant,
  lastUsedAt: IsoInstant,
  /** When it ends unless used again. */
  expiresAt: IsoInstant,
  /** The session of the request that asked. */
  current: z.boolean(),
  meetingId: z.string().optional(),
  siteId: z.string().optional(),
  revokedAt: IsoInstant.optional(),
  revokedReason: RevokeReason.optional(),
});
export type SessionView = z.infer<typeof SessionView>;

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(8).max(256),
});

/** Own password changed: this browser's session (and its tokens, its socket) carries on. */
export const PasswordChanged = z.object({
  /** The account's other sessions, signed out by the change. */
  endedSessions: z.number().int(),
});
export type PasswordChanged = z.infer<typeof PasswordChanged>;

/** One exchange of an invitation link. */
export const InvitationUseView = z.object({
  at: IsoInstant,
  ip: z.string(),
  device: z.string(),
});

/** An invitation link's record, for the secretary: whether it works, who used it, from where. */
export const InvitationView = z.object({
  id: z.string(),
  meetingId: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  createdAt: IsoInstant,
  expiresAt: IsoInstant,
  /** One browser at a time: opening the link elsewhere ends the earlier browser's session. */
  singleBrowser: z.boolean(),
  revokedAt: IsoInstant.optional(),
  /** The link that replaced this one. */
  replacedBy: z.string().optional(),
  /** Browsers holding a live session opened with this link. */
  activeSessions: z.number().int(),
  uses: z.object({ total: z.number().int(), recent: z.array(InvitationUseView) }),
});
export type InvitationView = z.infer<typeof InvitationView>;

export const RevokeInvitationBody = z.object({
  /** Also make a new link for the same site (send it to the site again). */
  reissue: z.boolean().optional(),
});
