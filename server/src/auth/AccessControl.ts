import type { HubConfig } from '../config/Config';
import type { AccountService } from '../domain/AccountService';
import type { MeetingService } from '../domain/MeetingService';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import { InvitationRegistry } from './InvitationRegistry';
import { LoginThrottle } from './LoginThrottle';
import { SessionService } from './SessionService';
import type { TokenService } from './TokenService';

/** The hub's access services, built and started together (Hub.ts). */
export interface AccessControl {
  sessions: SessionService;
  invitations: InvitationRegistry;
  throttle: LoginThrottle;
  close(): Promise<void>;
}

export async function startAccessControl(d: {
  config: HubConfig;
  store: Store;
  tokens: TokenService;
  accounts: AccountService;
  meetings: MeetingService;
  clock: Clock;
  logger: Logger;
  /** See SessionServiceDeps.derivedTtlMs (the archive's play links). */
  derivedTtlMs?: number;
}): Promise<AccessControl> {
  const sessions = new SessionService({
    store: d.store,
    tokens: d.tokens,
    jwt: d.config.jwt,
    clock: d.clock,
    logger: d.logger,
    ...(d.derivedTtlMs !== undefined ? { derivedTtlMs: d.derivedTtlMs } : {}),
  });
  // An account session renews only while the account exists, is enabled and has the same role.
  sessions.addRenewalCheck(async (s) => {
    if (!s.accountId) return;
    if (!(await d.accounts.mayRenew(s.accountId, s.role))) {
      throw new HubError('UNAUTHENTICATED', 'account disabled, deleted or changed');
    }
  });
  d.accounts.onAccessChange((accountId, reason, actor, keep) =>
    keep
      ? sessions.endOthers(accountId, keep, reason, actor)
      : sessions.endAll(accountId, reason, actor),
  );
  const invitations = new InvitationRegistry({
    store: d.store,
    tokens: d.tokens,
    sessions,
    clock: d.clock,
    publicUrl: d.config.publicUrl,
    inviteTtlSeconds: d.config.jwt.inviteTtlSeconds,
    // `peek`, not `read`: read waits its turn in the meeting's command queue, behind every
    // site joining at the same moment (1,000 at the start of a briefing); the cached state
    // is enough here — a close this process has not seen yet is refused by the join itself.
    meetingState: async (id) => {
      try {
        return await d.meetings.peek(id, (p) => p.meeting.state);
      } catch (e) {
        if (e instanceof HubError && e.code === 'NOT_FOUND') return undefined;
        throw e;
      }
    },
  });
  const throttle = new LoginThrottle(d.store, d.clock);
  await sessions.start();
  return { sessions, invitations, throttle, close: () => sessions.close() };
}
