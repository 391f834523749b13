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
  /** Sites it may take (capacity × headroom). */
  limit: number;
  /** Sites it carries by its last record (consumers / consumers per site, if more). */
  load: number;
  /** When that record was written (ms): placements since then are not in `load` yet. */
  at?: number;
  /** 0 = preferred node, 1 = its region, 2 = any other. */
  tier: 0 | 1 | 2;
}

/** Media nodes that may take the peer, with their tier and load at their last beat. */
export function candidates(
  nodes: Iterable<NodeRecord>,
  req: PlacementRequest,
  consumersPerSite: number,
): Candidate[] {
  const out: Candidate[] = [];
  for (const n of nodes) {
    if (!n.media || n.media.workers === 0 || req.exclude?.has(n.id)) continue;
    const load = Math.max(n.load.sites, Math.ceil(n.load.consumers / consumersPerSite));
    const tier =
      req.prefer === n.id ? 0 : req.province && n.provinces.includes(req.province) ? 1 : 2;
    out.push({ id: n.id, limit: n.capacity.sites, load, tier, at: n.at });
  }
  // The script takes the first best: a stable order keeps ties deterministic (by id).
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Picks and reserves a node atomically: among candidates whose load (its last record, plus the
 * placements made since that record was written minus a margin for the hub → node call, so a
 * join burst spreads before the next beat reports it) is under their limit, the lowest tier,
 * then the least loaded; never round-robin. Records the placement in the node's sorted set
 * (score = time). Returns the node id, or nil when every node is full.
 */
const PLACE_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local margin = tonumber(ARGV[4])
local best, bestTier, bestLoad = nil, 99, 0
local i = 5
while i <= #ARGV do
  local id, limit, load, tier, at = ARGV[i], tonumber(ARGV[i+1]), tonumber(ARGV[i+2]), tonumber(ARGV[i+3]), tonumber(ARGV[i+4])
  local key = KEYS[1] .. id
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local since = now - window
  if at > 0 then since = math.max(since, at - margin) end
  local total = load + redis.call('ZCOUNT', key, since, '+inf')
  if total < limit and (tier < bestTier or (tier == bestTier and total < bestLoad)) then
    best, bestTier, bestLoad = id, tier, total
  end
  i = i + 5
end
if best then
  local key = KEYS[1] .. best
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window * 2)
end
return best
`;

export class Placement {
  #seq = 0;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly selfId: string,
    /** How long a placement counts at most on top of a node's reported load (a few beats). */
    private readonly windowMs: number,
    /** A placement this long before a record may not be in it yet (hub → node call). */
    private readonly marginMs = 500,
  ) {}

  async place(cands: readonly Candidate[]): Promise<string | undefined> {
    if (cands.length === 0) return undefined;
    const args = [
      String(Date.now()),
      String(this.windowMs),
      `${this.selfId}:${Date.now()}:${++this.#seq}`,
      String(this.marginMs),
    ];
    for (const c of cands) {
      args.push(c.id, String(c.limit), String(c.load), String(c.tier), String(c.at ?? 0));
    }
    const r = await this.redis.eval(PLACE_SCRIPT, {
      keys: [`${this.prefix}cluster:placed:`],
      arguments: args,
    });
    return typeof r === 'string' ? r : undefined;
  }
}
