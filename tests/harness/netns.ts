// Test hosts of our own: network namespaces (`ip netns add`) joined by veth pairs to a bridge in
// the test's own namespace, each with its address on a private /24. Names are unique per run
// (`gbl-<pid>-<random>-<host>`), so a leftover from a crashed run never collides; leftovers whose
// creating process is gone are removed at the next start. `destroy()` kills what was started in
// the hosts and deletes every namespace, link and bridge — call it in afterAll (it also runs on
// process exit).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

export interface Host {
  name: string;
  /** The namespace's name (for `ip netns exec`). */
  ns: string;
  ip: string;
}

const PREFIX = 'gbl-';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may build namespaces (root, iproute2, netns support); else why not. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (ip netns add)';
  const probe = `${PREFIX}probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.error) return `iproute2 not usable: ${r.error.message}`;
  if (r.status !== 0) return `ip netns add failed: ${r.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/** Removes namespaces of earlier runs whose process is gone. */
export function sweepLeftovers(): string[] {
  const removed: string[] = [];
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^gbl-(\d+)-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    spawnSync('ip', ['netns', 'del', name]);
    removed.push(name);
  }
  return removed;
}

export class NetnsLab {
  readonly hosts = new Map<string, Host>();
  readonly #links: string[] = [];
  readonly #pids = new Set<number>();
  readonly #onExit = () => this.destroySync();
  #bridge: string | undefined;
  #destroyed = false;

  private constructor(
    readonly id: string,
    /** The bridge's address in the test's namespace (the hosts reach the test here). */
    readonly gatewayIp: string,
    readonly subnet: string,
  ) {
    process.once('exit', this.#onExit);
  }

  /** Builds the hosts: one namespace each, veth to a bridge, addresses .2, .3, … of a /24. */
  static create(names: string[]): NetnsLab {
    sweepLeftovers();
    const id = `${process.pid}-${randomBytes(2).toString('hex')}`;
    const tag = randomBytes(3).toString('hex'); // interface names: 15 characters at most
    const net = `10.${randomInt(200, 250)}.${randomInt(1, 254)}`;
    const lab = new NetnsLab(id, `${net}.1`, `${net}.0/24`);
    try {
      const br = `gbb${tag}`;
      ip('link', 'add', br, 'type', 'bridge');
      lab.#bridge = br;
      ip('addr', 'add', `${net}.1/24`, 'dev', br);
      ip('link', 'set', br, 'up');
      names.forEach((name, i) => {
        const ns = `${PREFIX}${id}-${name}`;
        ip('netns', 'add', ns);
        const outer = `gbv${tag}${i}`;
        const inner = `gbi${tag}${i}`;
        ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
        lab.#links.push(outer);
        ip('link', 'set', inner, 'netns', ns);
        ip('link', 'set', outer, 'master', br);
        ip('link', 'set', outer, 'up');
        const addr = `${net}.${i + 2}`;
        ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', inner);
        ip('-n', ns, 'link', 'set', inner, 'up');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'route', 'add', 'default', 'via', `${net}.1`);
        lab.hosts.set(name, { name, ns, ip: addr });
      });
    } catch (e) {
      lab.destroySync();
      throw e;
    }
    return lab;
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  /** `ip netns exec <ns>` in front of a command (for spawn). */
  wrap(name: string, command: string, args: string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.host(name).ns, command, ...args] };
  }

  /** Remember a process started in a host: destroy() kills it if it still runs. */
  track(pid: number | undefined): void {
    if (pid) this.#pids.add(pid);
  }

  /** Cuts a host off the bridge (its processes live on, unreachable) or puts it back. */
  setLink(name: string, up: boolean): void {
    const i = [...this.hosts.keys()].indexOf(name);
    ip('link', 'set', this.#links[i]!, up ? 'up' : 'down');
  }

  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    process.off('exit', this.#onExit);
    for (const pid of this.#pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    // Whatever else still runs inside (children of children): kill by namespace.
    for (const h of this.hosts.values()) {
      const r = spawnSync('ip', ['netns', 'pids', h.ns], { encoding: 'utf8' });
      for (const pid of (r.stdout ?? '').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      }
    }
    for (const h of this.hosts.values()) spawnSync('ip', ['netns', 'del', h.ns]);
    for (const link of this.#links) spawnSync('ip', ['link', 'del', link]);
    if (this.#bridge) spawnSync('ip', ['link', 'del', this.#bridge]);
  }

  async destroy(): Promise<void> {
    this.destroySync();
  }
}
