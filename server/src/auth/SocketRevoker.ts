import type { HubServer, HubSocket } from '../signalling/types';
import type { Revocation } from '../store/AccessStore';
import type { TokenFacts } from './Revocations';
import type { SessionService } from './SessionService';

/** The rooms a socket is in so that a revocation finds it: its session and its principal. */
export const revocationRooms = (t: Pick<TokenFacts, 'principal' | 'sessionId'>): string[] =>
  t.sessionId ? [`ses:${t.sessionId}`, `pr:${t.principal}`] : [`pr:${t.principal}`];

/**
 * Ends this process's sockets of a revoked session or principal: `session:revoked` first, then
 * the disconnect, both on this process only (`io.local`): every hub process receives the same
 * revocation from the store's channel and does its own part, so nothing waits for the adapter
 * and a push cannot arrive after the disconnect. For an epoch, only sockets whose token is older
 * than the new epoch go (a fresh sign-in a moment later must survive the message).
 */
export class SocketRevoker {
  private readonly stop: () => void;

  constructor(
    private readonly io: HubServer,
    sessions: SessionService,
  ) {
    this.stop = sessions.onRevoked((r) => this.revoke(r));
  }

  close(): void {
    this.stop();
  }

  /** A socket that connected just as its revocation arrived (the handshake checked before). */
  static joinAndRecheck(io: HubServer, socket: HubSocket, sessions: SessionService): boolean {
    socket.join(revocationRooms(socket.data.auth));
    if (!sessions.revocations.isRevoked(socket.data.auth)) return false;
    io.local.to(socket.id).emit('session:revoked', { reason: 'revoked' });
    socket.disconnect(true);
    return true;
  }

  private revoke(r: Revocation): void {
    const room = r.type === 'session' ? `ses:${r.sessionId}` : `pr:${r.principal}`;
    const ids = this.io.of('/').adapter.rooms.get(room);
    if (!ids) return;
    for (const id of [...ids]) {
      const socket = this.io.of('/').sockets.get(id);
      if (!socket) continue;
      const epoch = socket.data.auth?.epoch ?? 0;
      if (r.type === 'epoch' && epoch >= r.epoch) continue;
      // `local`: with connection-state recovery socket.emit goes through the Redis adapter and
      // would arrive after the disconnect; this is written to the socket now.
      this.io.local
        .to(id)
        .emit(
          'session:revoked',
          r.type === 'session' && r.by ? { reason: r.reason, by: r.by } : { reason: r.reason },
        );
      socket.disconnect(true);
    }
  }
}

/**
 * The browser's Origin against the allowed origins, as CORS decides for REST. No Origin header
 * (not a browser: the hub's own tests, load tools, a native client) is let through, as CORS
 * does; `*` allows any.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || allowed.includes('*')) return true;
  return allowed.includes(origin);
}
