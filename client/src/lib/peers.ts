/**
 * Media peer ids as the hub assigns them: a site is `site:<siteId>[:<connection>]`, anyone else
 * `user:<accountId>[:<connection>]` (the connection suffix tells two sockets of one account
 * apart). The chair is the `user` peer whose account is `meeting.chairId`.
 */
export type PeerIdentity =
  | { kind: 'site'; siteId: string }
  | { kind: 'user'; accountId: string }
  | { kind: 'unknown'; peerId: string };

export function parsePeerId(peerId: string): PeerIdentity {
  const [kind, id] = peerId.split(':');
  if (kind === 'site' && id) return { kind: 'site', siteId: id };
  if (kind === 'user' && id) return { kind: 'user', accountId: id };
  return { kind: 'unknown', peerId };
}

export function siteIdOfPeer(peerId: string): string | null {
  const p = parsePeerId(peerId);
  return p.kind === 'site' ? p.siteId : null;
}

export function accountIdOfPeer(peerId: string): string | null {
  const p = parsePeerId(peerId);
  return p.kind === 'user' ? p.accountId : null;
}

/** Who a tile shows: a site, or a person (the chair). */
export type PeerRef = { siteId: string } | { accountId: string };

export function peerMatches(peerId: string, ref: PeerRef): boolean {
  return 'siteId' in ref
    ? siteIdOfPeer(peerId) === ref.siteId
    : accountIdOfPeer(peerId) === ref.accountId;
}
