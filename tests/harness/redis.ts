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
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server; retries on a port race with another process. */
  static async start(
    opts: { dir?: string; appendfsync?: 'always' | 'everysec' } = {},
  ): Promise<RedisServer> {
    const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'giaoban-redis-'));
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const srv = new RedisServer(await freePort(), dir, opts.appendfsync ?? 'always');
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
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
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
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
