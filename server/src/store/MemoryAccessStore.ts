import type {
  AccessStore,
  InvitationRecord,
  InvitationUse,
  LoginFailures,
  Revocation,
  RevocationListener,
  RevokeReason,
  RotateResult,
  SessionRecord,
  SessionTouch,
} from './AccessStore';

const copy = <T>(v: T): T => structuredClone(v);

/** The embedded default's access store: maps, one process, nothing durable. */
export class MemoryAccessStore implements AccessStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly byPrincipal = new Map<string, Set<string>>();
  private readonly revoked = new Map<string, number>();
  private readonly epochs = new Map<string, number>();
  private readonly failures = new Map<string, LoginFailures & { until: number }>();
  private readonly invitations = new Map<string, InvitationRecord>();
  private readonly uses = new Map<string, { total: number; recent: InvitationUse[] }>();
  private readonly listeners = new Set<RevocationListener>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(s: SessionRecord | undefined): s is SessionRecord {
    if (!s) return false;
    if (Date.parse(s.expiresAt) > this.now()) return true;
    this.sessions.delete(s.id);
    this.byPrincipal.get(s.principal)?.delete(s.id);
    return false;
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.sessions.set(s.id, copy(s));
    const ids = this.byPrincipal.get(s.principal) ?? new Set<string>();
    this.byPrincipal.set(s.principal, ids);
    ids.add(s.id);
  }
  async getSession(id: string): Promise<SessionRecord | undefined> {
    const s = this.sessions.get(id);
    return this.live(s) ? copy(s) : undefined;
  }
  async listSessions(principal: string): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const id of this.byPrincipal.get(principal) ?? []) {
      const s = this.sessions.get(id);
      if (this.live(s)) out.push(copy(s));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
  async rotateSession(id: string, generation: number, touch: SessionTouch): Promise<RotateResult> {
    const s = this.sessions.get(id);
    if (!this.live(s)) return { ok: false, reason: 'missing' };
    if (s.revokedAt) return { ok: false, reason: 'revoked', session: copy(s) };
    if (s.generation !== generation) return { ok: false, reason: 'stale', session: copy(s) };
    Object.assign(s, touch, { generation: generation + 1 });
    return { ok: true, session: copy(s) };
  }
  async revokeSession(
    id: string,
    at: number,
    reason: RevokeReason,
  ): Promise<SessionRecord | undefined> {
    const s = this.sessions.get(id);
    if (!this.live(s) || s.revokedAt) return undefined;
    s.revokedAt = new Date(at).toISOString();
    s.revokedReason = reason;
    this.revoked.set(id, at);
    return copy(s);
  }
  async revokeSessions(
    principal: string,
    at: number,
    reason: RevokeReason,
  ): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const id of [...(this.byPrincipal.get(principal) ?? [])]) {
      const s = await this.revokeSession(id, at, reason);
      if (s) out.push(s);
    }
    return out;
  }
  async revokedSince(sinceMs: number): Promise<Array<{ id: string; at: number }>> {
    const out: Array<{ id: string; at: number }> = [];
    for (const [id, at] of this.revoked) {
      if (at >= sinceMs) out.push({ id, at });
      else this.revoked.delete(id);
    }
    return out;
  }

  async bumpEpoch(principal: string): Promise<number> {
    const n = (this.epochs.get(principal) ?? 0) + 1;
    this.epochs.set(principal, n);
    return n;
  }
  async getEpoch(principal: string): Promise<number> {
    return this.epochs.get(principal) ?? 0;
  }
  async listEpochs(): Promise<Map<string, number>> {
    return new Map(this.epochs);
  }

  async noteLoginFailure(key: string, now: number, windowMs: number): Promise<LoginFailures> {
    const f = this.failures.get(key);
    const next =
      f && f.until > now
        ? { count: f.count + 1, firstAt: f.firstAt, lastAt: now, until: now + windowMs }
        : { count: 1, firstAt: now, lastAt: now, until: now + windowMs };
    // Bounded: an attacker cycling usernames or addresses must not grow this without limit.
    if (!f && this.failures.size >= 100_000) {
      for (const [k, v] of this.failures) if (v.until <= now) this.failures.delete(k);
      if (this.failures.size >= 100_000) this.failures.delete(this.failures.keys().next().value!);
    }
    this.failures.set(key, next);
    return { count: next.count, firstAt: next.firstAt, lastAt: next.lastAt };
  }
  async getLoginFailures(key: string): Promise<LoginFailures | undefined> {
    const f = this.failures.get(key);
    if (!f || f.until <= this.now()) return undefined;
    return { count: f.count, firstAt: f.firstAt, lastAt: f.lastAt };
  }
  async clearLoginFailures(key: string): Promise<void> {
    this.failures.delete(key);
  }

  async putInvitation(inv: InvitationRecord): Promise<void> {
    this.invitations.set(inv.id, copy(inv));
  }
  async getInvitation(id: string): Promise<InvitationRecord | undefined> {
    const v = this.invitations.get(id);
    return v ? copy(v) : undefined;
  }
  async listInvitations(meetingId: string): Promise<InvitationRecord[]> {
    return [...this.invitations.values()].filter((i) => i.meetingId === meetingId).map(copy);
  }
  async addInvitationUse(id: string, use: InvitationUse, keep: number): Promise<number> {
    const u = this.uses.get(id) ?? { total: 0, recent: [] };
    this.uses.set(id, u);
    u.total += 1;
    u.recent.unshift(copy(use));
    if (u.recent.length > keep) u.recent.length = keep;
    return u.total;
  }
  async listInvitationUses(id: string): Promise<{ total: number; recent: InvitationUse[] }> {
    const u = this.uses.get(id);
    return u ? copy(u) : { total: 0, recent: [] };
  }

  async publishRevocation(r: Revocation): Promise<void> {
    // Asynchronously, as a message through Redis would arrive.
    for (const l of this.listeners) queueMicrotask(() => l.onRevocation(copy(r)));
  }
  async subscribeRevocations(l: RevocationListener): Promise<() => Promise<void>> {
    this.listeners.add(l);
    return async () => {
      this.listeners.delete(l);
    };
  }
}
