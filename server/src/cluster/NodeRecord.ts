import { z } from 'zod';

const Address = z.object({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
});

/**
 * What a node publishes in the registry every heartbeat: where to reach it, what it can carry
 * and what it carries now. Read back with this schema (a record is data from Redis, not code).
 */
export const NodeRecord = z.object({
  id: z.string().min(1).max(128),
  /** Random per process: a node restarted under the same id is a new incarnation. */
  epoch: z.string().min(1).max(64),
  region: z.string().max(64),
  /** Province codes it serves first. */
  provinces: z.array(z.string().max(16)).max(100),
  /** Internal channel (signed calls, watch) and pipes: reachable by the other nodes only. */
  internal: Address,
  /** Media plane, absent on a signalling-only node. */
  media: z
    .object({
      /** What browsers are told (ICE candidates of the WebRtcServers). */
      announcedIp: z.string().min(1).max(253),
      /** WebRtcServer UDP+TCP port of each worker. */
      ports: z.array(z.number().int().min(0).max(65535)).max(128),
      workers: z.number().int().min(0).max(128),
    })
    .optional(),
  capacity: z.object({
    /** workers × consumers per worker held under 1 % loss. */
    consumers: z.number().int().min(0),
    /** What placement may put here: capacity.consumers / consumers per site × headroom. */
    sites: z.number().int().min(0),
  }),
  load: z.object({
    consumers: z.number().int().min(0),
    /** Peers with a receive transport here (sites, staff). */
    sites: z.number().int().min(0),
    /** Worker CPU over the last beat, % of one core summed over workers. */
    cpu: z.number().min(0).optional(),
    /** Pipe bytes/s in and out. */
    pipeBitrate: z.number().min(0).optional(),
  }),
  at: z.number().int(),
});
export type NodeRecord = z.infer<typeof NodeRecord>;

export function parseNodeRecord(raw: string | null | undefined): NodeRecord | undefined {
  if (!raw) return undefined;
  try {
    const r = NodeRecord.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
