// Spreads WebRtcSite peers over a few child processes (site-runner.ts) and gathers their stats:
// few processes, so the load clients' own CPU stays small and measurable (/proc per pid).
import { type ChildProcess, fork, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerCommand, RunnerReply } from './site-runner';
import type { PeerStats } from './WebRtcSite';

const here = path.dirname(fileURLToPath(import.meta.url));

export class RunnerProcess {
  readonly #proc: ChildProcess;
  #nextId = 0;
  private constructor(proc: ChildProcess) {
    this.#proc = proc;
  }
  /** `wrap` runs it under another command, e.g. in a test host (`ip netns exec`, NetnsLab.wrap). */
  static async start(
    wrap?: (command: string, args: string[]) => { command: string; args: string[] },
  ): Promise<RunnerProcess> {
    const script = path.join(here, 'site-runner.ts');
    // GIAOBAN_LOAD_CPU_PROF=<dir>: a V8 CPU profile per load process (where do they stall?).
    const execArgv = [
      '--import',
      'tsx',
      ...(process.env.GIAOBAN_LOAD_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GIAOBAN_LOAD_CPU_PROF}`]
        : []),
    ];
    const proc = wrap
      ? (() => {
          const c = wrap(process.execPath, [...execArgv, script]);
          return spawn(c.command, c.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        })()
      : fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const r = new RunnerProcess(proc);
    await r.#next((m) => m.type === 'ready');
    return r;
  }
  get pid(): number {
    return this.#proc.pid!;
  }
  #next<T extends RunnerReply>(
    match: (m: RunnerReply) => boolean,
    timeoutMs = 120_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('site runner: no reply')), timeoutMs);
      const onExit = (code: number) => reject(new Error(`site runner exited (${code})`));
      const on = (m: RunnerReply) => {
        if (!match(m)) return;
        clearTimeout(t);
        this.#proc.off('message', on);
        this.#proc.off('exit', onExit);
        resolve(m as T);
      };
      this.#proc.on('message', on);
      this.#proc.once('exit', onExit);
    });
  }
  async request<T extends RunnerReply>(cmd: RunnerCommand, reply: RunnerReply['type']): Promise<T> {
    const id = this.#nextId++;
    const waiting = this.#next<T>((m) => m.type === reply && (!('id' in m) || m.id === id));
    this.#proc.send({ ...cmd, id });
    return waiting;
  }
  post(cmd: RunnerCommand): void {
    this.#proc.send(cmd);
  }
  async stats(): Promise<{
    peers: PeerStats[];
    cpuMs: number;
    epochOffsetMs: number;
    loopDelayMs?: { p99: number; max: number };
  }> {
    return this.request<Extract<RunnerReply, { type: 'stats' }>>({ type: 'stats', id: 0 }, 'stats');
  }
  async close(): Promise<void> {
    if (this.#proc.exitCode !== null) return;
    const exited = new Promise((r) => this.#proc.once('exit', r));
    this.#proc.send({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.#proc.kill('SIGKILL');
  }
}

/** N sites over K processes: site i goes to process i % K. */
export class SiteFleet {
  private constructor(readonly runners: RunnerProcess[]) {}
  static async start(
    processes: number,
    wrap?: (command: string, args: string[]) => { command: string; args: string[] },
  ): Promise<SiteFleet> {
    return new SiteFleet(
      await Promise.all(Array.from({ length: processes }, () => RunnerProcess.start(wrap))),
    );
  }

  /** Sends `cmd` to every runner; resolves when all answered (`done`). */
  async all(cmd: Extract<RunnerCommand, { labels: string[] }>): Promise<void> {
    await Promise.all(this.runners.map((r) => r.request(cmd, 'done')));
  }
  async join(o: {
    hubUrl: string;
    sites: Array<{ label: string; invitation: string; inboundLossPct?: number }>;
    rampMs: number;
    send: boolean;
    fallbackUrls?: string[];
  }): Promise<number> {
    const k = this.runners.length;
    const replies = await Promise.all(
      this.runners.map((r, w) =>
        r.request<Extract<RunnerReply, { type: 'joined' }>>(
          {
            type: 'sites',
            hubUrl: o.hubUrl,
            sites: o.sites.filter((_s, i) => i % k === w),
            rampMs: o.rampMs,
            send: o.send,
            ...(o.fallbackUrls ? { fallbackUrls: o.fallbackUrls } : {}),
          },
          'joined',
        ),
      ),
    );
    return replies.reduce((n, r) => n + r.failed, 0);
  }
  /** Sites watching Janus's streaming mountpoint instead of joining the hub (--sfu janus). */
  async joinJanus(o: {
    janusUrl: string;
    mountpointId: number;
    sites: Array<{ label: string; inboundLossPct?: number }>;
    rampMs: number;
  }): Promise<number> {
    const k = this.runners.length;
    const replies = await Promise.all(
      this.runners.map((r, w) =>
        r.request<Extract<RunnerReply, { type: 'joined' }>>(
          { type: 'janus-sites', ...o, sites: o.sites.filter((_s, i) => i % k === w) },
          'joined',
        ),
      ),
    );
    return replies.reduce((n, r) => n + r.failed, 0);
  }
  mark(): void {
    for (const r of this.runners) r.post({ type: 'mark' });
  }
  async stats(): Promise<{
    peers: PeerStats[];
    cpuMs: number[];
    /** The worst runner's event-loop delay since the last mark (ms). */
    loopDelayMs: { p99: number; max: number };
  }> {
    const all = await Promise.all(this.runners.map((r) => r.stats()));
    return {
      peers: all.flatMap((a) => a.peers),
      cpuMs: all.map((a) => a.cpuMs),
      loopDelayMs: {
        p99: Math.max(0, ...all.map((a) => a.loopDelayMs?.p99 ?? 0)),
        max: Math.max(0, ...all.map((a) => a.loopDelayMs?.max ?? 0)),
      },
    };
  }
  get pids(): number[] {
    return this.runners.map((r) => r.pid);
  }
  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.close()));
  }
}
