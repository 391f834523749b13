// A real redis-server for tests: free loopback port, its own temp dir, no RDB snapshots, AOF on
// (so a restarted server finds every acknowledged write). Always `await redis.stop()` in afterAll.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private proc: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** `always` for tests (every acknowledged write survives); benches use production's `everysec`. */
    readonly appendfsync: 'always' | 'everysec',
    readonly host = '127.0.0.1',
    private readonly wrap?: (
      command: string,
      args: string[],
    ) => { command: string; args: string[] },
  ) {}

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** Starts redis-server; retries on a port race with another process. */
  static async start(
    opts: {
      dir?: string;
      appendfsync?: 'always' | 'everysec';
      /** Listen here instead of loopback (a test host's address), on a fixed port. */
      bind?: { host: string; port: number };
      /** Run under another command, e.g. `ip netns exec <ns>` (NetnsLab.wrap). */
      wrap?: (command: string, args: string[]) => { command: string; args: string[] };
    } = {},
  ): Promise<RedisServer> {
    const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'giaoban-redis-'));
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const srv = new RedisServer(
        opts.bind?.port ?? (await freePort()),
        dir,
        opts.appendfsync ?? 'always',
        opts.bind?.host,
        opts.wrap,
      );
      try {
        await srv.spawn();
        return srv;
      } catch (e) {
        lastErr = e;
      }
    }
    throw lastErr;
  }

  private spawn(): Promise<void> {
    const argv = [
      '--port',
      String(this.port),
      '--bind',
      this.host,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      this.appendfsync,
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      // On a test host's own address (a private namespace) the other test hosts must get in.
      ...(this.host === '127.0.0.1' ? [] : ['--protected-mode', 'no']),
    ];
    const cmd = this.wrap
      ? this.wrap('redis-server', argv)
      : { command: 'redis-server', args: argv };
    const proc = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`redis-server did not start within 20 s:\n${out}`));
      }, 20_000);
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
  }

  /** Stops the server (SIGTERM; SIGKILL after 5 s). `keepData` leaves the dir for a restart. */
  async stop(keepData = false): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    }
    if (!keepData) rmSync(this.dir, { recursive: true, force: true });
  }
}
