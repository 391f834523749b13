// CPU, memory and children of the processes a load run measures (/proc), shared by bench:webrtc
// and the WebRTC integration tests.
import { readdirSync, readFileSync } from 'node:fs';

/** utime+stime (ms) and RSS (MB) of a process. */
export function procStats(pid: number): { cpuMs: number; rssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / 100, rssMb: rss / 1024 };
  } catch {
    return { cpuMs: 0, rssMb: 0 };
  }
}

export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (c) out.push(...c.split(/\s+/).map(Number));
  }
  return out;
}

/** The mediasoup-worker children of a hub process. */
export function workerPids(hubPid: number): number[] {
  return childPids(hubPid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').startsWith('mediasoup-work');
    } catch {
      return false;
    }
  });
}
