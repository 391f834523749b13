// Media peer ids, built and parsed here only: `site:<siteId>:<socketId>` for a site's socket,
// `user:<accountId>:<socketId>` for anyone else. The socket id tells two sockets of one site or
// account apart (a lobby tab and the live one). Zod-free: the client imports it at run time.

export type PeerIdentity =
  | { kind: 'site'; siteId: string; socketId: string }
  | { kind: 'user'; accountId: string; socketId: string };

/** The peer id of one socket of `who`. */
export function peerIdOf(
  who: { role: string; siteId?: string | undefined; accountId: string },
  socketId: string,
): string {
  return who.role === 'site' && who.siteId
    ? `site:${who.siteId}:${socketId}`
    : `user:${who.accountId}:${socketId}`;
}

/**
 * Parses a peer id; null when it is not one of ours. Account ids may contain ':' (ids allow it),
 * socket ids never do: the kind is before the first ':', the socket after the last.
 */
export function parsePeerId(peerId: string): PeerIdentity | null {
  const first = peerId.indexOf(':');
  const last = peerId.lastIndexOf(':');
  if (first <= 0 || last === first || last === peerId.length - 1) return null;
  const kind = peerId.slice(0, first);
  const id = peerId.slice(first + 1, last);
  const socketId = peerId.slice(last + 1);
  if (kind === 'site') return { kind, siteId: id, socketId };
  if (kind === 'user') return { kind, accountId: id, socketId };
  return null;
}

/** The site a peer belongs to, if it is a site's. */
export function siteOfPeer(peerId: string): string | undefined {
  const p = parsePeerId(peerId);
  return p?.kind === 'site' ? p.siteId : undefined;
}

/** The socket id inside a peer id. */
export function socketOfPeer(peerId: string): string | undefined {
  return parsePeerId(peerId)?.socketId;
}
