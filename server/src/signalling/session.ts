import { timerDelay } from '../domain/MeetingTimers';
import type { Clock } from '../util/Clock';
import type { HubServer, HubSocket } from './types';

/**
 * The access token's life on one socket: `session:expiring` a minute ahead, then
 * `session:expired` and a disconnect. Requests are refused past expiry anyway, but an idle socket
 * would keep receiving the meeting's pushes (and a site would count as present) on a token nobody
 * renewed. Returns the function that stops both timers.
 */
export function armSessionExpiry(io: HubServer, socket: HubSocket, clock: Clock): () => void {
  const untilExpiry = socket.data.expiresAt - clock.now();
  const timers = [
    setTimeout(
      () =>
        socket.emit('session:expiring', {
          expiresAt: new Date(socket.data.expiresAt).toISOString(),
        }),
      timerDelay(untilExpiry - 60_000),
    ),
    setTimeout(() => {
      // `local`: with connection-state recovery a plain emit goes through the Redis adapter and
      // would be delivered after the disconnect; this one is written to the socket now.
      io.local
        .to(socket.id)
        .emit('session:expired', { code: 'TOKEN_EXPIRED', message: 'access token expired' });
      socket.disconnect(true);
    }, timerDelay(untilExpiry)),
  ];
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}
