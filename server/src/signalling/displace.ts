import { deviceLabel } from '../auth/device';
import { rooms } from './rooms';
import type { HubServer, HubSocket } from './types';

/**
 * One browser per site: the newcomer's join replaces the site's older connection, which is told
 * which device took over (`session:displaced`) and disconnected. Each hub process does this for
 * the sockets it holds, the others on a server-side message, so the notice is written before the
 * disconnect (a broadcast through the Redis adapter would arrive after it).
 */
export function displaceSite(
  io: HubServer,
  cluster: boolean,
  meetingId: string,
  siteId: string,
  newcomer: HubSocket,
  at: number,
): void {
  const notice = {
    device: deviceLabel(newcomer.data.userAgent ?? ''),
    at: new Date(at).toISOString(),
  };
  displaceLocal(io, meetingId, siteId, newcomer.id, notice);
  if (cluster) io.serverSideEmit('site:displaced', meetingId, siteId, newcomer.id, notice);
}

function displaceLocal(
  io: HubServer,
  meetingId: string,
  siteId: string,
  keep: string,
  notice: { device: string; at: string },
): void {
  const room = rooms.site(meetingId, siteId);
  if (!io.of('/').adapter.rooms.get(room)?.size) return;
  io.local.to(room).except(keep).emit('session:displaced', notice);
  io.local.in(room).except(keep).disconnectSockets(true);
}

/** Another process's newcomer replaced a site: end the older sockets this process holds. */
export function listenForDisplacements(io: HubServer): void {
  io.on('site:displaced', (meetingId, siteId, keep, notice) =>
    displaceLocal(io, meetingId, siteId, keep, notice),
  );
}
