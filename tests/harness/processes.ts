// Runs tests/harness/hub-process.ts as a child process and waits for its "listening" line.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoSeed } from '@giaoban/server';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

export interface HubProcess {
  proc: ChildProcess;
  url: string;
  pid: number;
  seed?: DemoSeed;
  stderr: () => string;
  /**
   * The media plane's view of these peers of the meeting (MediaRoom.diagnose: transports'
   * ICE/DTLS state, consumers' state and worker counters); {} when media is off or elsewhere.
   */
  diagnose(meetingId: string, peerIds: string[]): Promise<Record<string, unknown>>;
  /** SIGTERM (graceful) or SIGKILL (crash); resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHubProcess(
  env: Record<string, string>,
  timeoutMs = 120_000,
  /** Runs the hub under another command, e.g. `ip netns exec <ns>` (NetnsLab.wrap). */
  wrap?: (command: string, args: string[]) => { command: string; args: string[] },
): Promise<HubProcess> {
  const argv = ['--import', 'tsx', path.join(here, 'hub-process.ts')];
  const cmd = wrap ? wrap(process.execPath, argv) : { command: process.execPath, args: argv };
  const proc = spawn(cmd.command, cmd.args, {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      MEDIA_ENABLED: 'false',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  const pending = new Map<number, (v: Record<string, unknown>) => void>();
  let nextId = 1;
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 100_000) err = err.slice(-50_000);
  });
  const info = await new Promise<{ url: string; pid: number; seed?: DemoSeed }>(
    (resolve, reject) => {
      let out = '';
      const t = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`hub process did not start within ${timeoutMs} ms:\n${err}`));
      }, timeoutMs);
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        // The media plane may log to stdout first (MEDIA_ENABLED): the hub's line is the JSON one.
        for (;;) {
          const nl = out.indexOf('\n');
          if (nl < 0) break;
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          if (line.startsWith('{"diag"')) {
            const d = JSON.parse(line) as { diag: number; peers: Record<string, unknown> };
            pending.get(d.diag)?.(d.peers);
            pending.delete(d.diag);
            continue;
          }
          if (!line.startsWith('{"url"')) continue;
          clearTimeout(t);
          try {
            resolve(JSON.parse(line));
          } catch (e) {
            reject(e);
          }
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`hub process exited (${code}):\n${err}`));
      });
    },
  );
  return {
    proc,
    ...info,
    stderr: () => err,
    diagnose(meetingId, peerIds) {
      const id = nextId++;
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          pending.delete(id);
          resolve({});
        }, 10_000);
        pending.set(id, (v) => {
          clearTimeout(t);
          resolve(v);
        });
        proc.stdin?.write(`${JSON.stringify({ diag: id, meetingId, peerIds })}\n`);
      });
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill(signal);
      });
    },
  };
}
