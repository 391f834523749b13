// Which socket drops datagrams: /proc/net/udp's `drops` column per socket (receive-buffer
// overflows, the RcvbufErrors of /proc/net/snmp), attributed to processes through their
// socket inodes (/proc/<pid>/fd). Read in the network namespace the bench runs in.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Socket inode → drops so far, for every UDP socket (v4 and v6) of this namespace. */
function dropsByInode(): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13) continue;
      out.set(f[9]!, Number(f[f.length - 1]));
    }
  }
  return out;
}

function socketInodes(pid: number): string[] {
  const out: string[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const l = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (l.startsWith('socket:[')) out.push(l.slice(8, -1));
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // process gone
  }
  return out;
}

export type DropSample = Map<string, { role: string; drops: number }>;

/** Drops per socket of the given processes, grouped later by role ('worker', 'clients'…). */
export function sampleUdpDrops(roles: Record<string, number[]>): DropSample {
  const drops = dropsByInode();
  const out: DropSample = new Map();
  for (const [role, pids] of Object.entries(roles)) {
    for (const pid of pids) {
      for (const ino of socketInodes(pid)) {
        const d = drops.get(ino);
        if (d !== undefined) out.set(ino, { role, drops: d });
      }
    }
  }
  return out;
}

/** Datagrams each role's sockets dropped between two samples (sockets opened meanwhile count whole). */
export function dropsBetween(a: DropSample, b: DropSample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [ino, { role, drops }] of b) {
    out[role] = (out[role] ?? 0) + drops - (a.get(ino)?.drops ?? 0);
  }
  return out;
}
