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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
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
          if (!line.startsWith('{"url"')) continue;
          clearTimeout(t);
          try {
            resolve(JSON.parse(line));
          } catch (e) {
            reject(e);
          }
          break;
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
