import type { NodeRecord } from './NodeRecord';
import type { RedisClient } from './NodeRegistry';

/** Who is being placed. */
export interface PlacementRequest {
  /** The site's province code: nodes serving it come first. */
  province?: string | undefined;
  /** Try this node first when it has room (the chair goes to the meeting's origin). */
  prefer?: string | undefined;
  /** Nodes not to use (lost, or a node that just refused). */
  exclude?: ReadonlySet<string>;
}

export interface Candidate {
  id: string;
  /** 0 = preferred node, 1 = its region, 2 = any other. */
  tier: 0 | 1 | 2;
}

/** A placement made: the node, and the id the node reports once the peer is on it. */
export interface Placed {
  node: string;
  id: string;
}

/** Media nodes that may take the peer, with their tier (their load is read inside the script). */
export function candidates(nodes: Iterable<NodeRecord>, req: PlacementRequest): Candidate[] {
  const out: Candidate[] = [];
  for (const n of nodes) {
    if (!n.media || n.media.workers === 0 || req.exclude?.has(n.id)) continue;
    const tier =
      req.prefer === n.id ? 0 : req.province && n.provinces.includes(req.province) ? 1 : 2;
    out.push({ id: n.id, tier });
  }
  // The script takes the first best: a stable order keeps ties deterministic (by id).
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Picks and reserves a node atomically. A node's load is what its record in Redis says (read here,
 * not a hub's cached copy) plus the placements in its sorted set, minus the peers in its departed
 * set (counted in one of those two, left since: issue #12, a node whose sites all renegotiated
 * at once kept their load until its next beat and a burst went to the other node). None of them
 * overlap: a node takes a placement's id out of the set in the same MULTI that writes the record
 * counting it, and a departed peer's token out of its set in the MULTI of the first record not
 * counting it (NodeRegistry, NodeLoad), so each peer is counted once, in the set until the node
 * has it, in the record after, and not at all once it left. Among nodes under their limit: the lowest tier, then the least loaded; never
 * round-robin. A node without a record (lapsed) is skipped. Placements the node never took up (the
 * peer gave up) leave the set after the window, which is longer than a record's TTL: a node
 * that cannot beat lapses before any of its placements is forgotten.
 * Returns the node id, or nil when every node is full.
 */
const PLACE_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local perSite = tonumber(ARGV[4])
local best, bestTier, bestLoad = nil, 99, 0
local i = 5
while i <= #ARGV do
  local id, tier = ARGV[i], tonumber(ARGV[i+1])
  local raw = redis.call('GET', KEYS[2] .. id)
  if raw then
    local rec = cjson.decode(raw)
    local limit = tonumber(rec.capacity.sites) or 0
    local load = math.max(tonumber(rec.load.sites) or 0, math.ceil((tonumber(rec.load.consumers) or 0) / perSite))
    local key = KEYS[1] .. id
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local total = load + redis.call('ZCARD', key) - redis.call('SCARD', KEYS[3] .. id)
    if total < limit and (tier < bestTier or (tier == bestTier and total < bestLoad)) then
      best, bestTier, bestLoad = id, tier, total
    end
  end
  i = i + 2
end
if best then
  local key = KEYS[1] .. best
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window * 2)
end
return best
`;

/** The sorted set of a node's placements not yet in its record (NodeRegistry takes them out). */
export const placedKey = (prefix: string, nodeId: string) => `${prefix}cluster:placed:${nodeId}`;
export const nodeKey = (prefix: string, nodeId: string) => `${prefix}cluster:node:${nodeId}`;
/** Tokens of peers a node's record or placement set counts that have left it since (NodeLoad). */
export const departedKey = (prefix: string, nodeId: string) =>
  `${prefix}cluster:departed:${nodeId}`;

export class Placement {
  #seq = 0;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly selfId: string,
    /** A placement the node never took up counts this long (longer than a record's TTL). */
    private readonly windowMs: number,
    /** Consumers one site needs: a node's consumers say its load when they say more than its peers. */
    private readonly consumersPerSite: number,
  ) {}

  async place(cands: readonly Candidate[]): Promise<Placed | undefined> {
    if (cands.length === 0) return undefined;
    const id = `${this.selfId}:${Date.now().toString(36)}:${++this.#seq}`;
    const args = [String(Date.now()), String(this.windowMs), id, String(this.consumersPerSite)];
    for (const c of cands) args.push(c.id, String(c.tier));
    const r = await this.redis.eval(PLACE_SCRIPT, {
      keys: [placedKey(this.prefix, ''), nodeKey(this.prefix, ''), departedKey(this.prefix, '')],
      arguments: args,
    });
    return typeof r === 'string' ? { node: r, id } : undefined;
  }
}
