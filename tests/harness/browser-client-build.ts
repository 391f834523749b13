// The production client bundle the hub serves in browser tests: a private build of client/ (same
// vite config, production mode) in the temp directory, rebuilt when older than its
// sources, so a test never serves a half-written client/dist while someone rebuilds it; and its
// first-load gzip size for the join benchmark.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './browser.js';

// Not under a dot-directory: the hub's static file serving ignores dotted paths.
export const clientDist = path.join(
  os.tmpdir(),
  `giaoban-e2e-client-dist-${createHash('sha1').update(repoRoot).digest('hex').slice(0, 8)}`,
);

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** Builds the client (vite build, production) unless the build is newer than every source. */
export async function ensureClientBuilt(log: (line: string) => void = () => {}): Promise<void> {
  const index = path.join(clientDist, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(repoRoot, 'client/src')),
    newestMtime(path.join(repoRoot, 'shared/src')),
    statSync(path.join(repoRoot, 'client/index.html')).mtimeMs,
    statSync(path.join(repoRoot, 'client/vite.config.ts')).mtimeMs,
  );
  const stamp = path.join(clientDist, 'giaoban-build.json');
  if (existsSync(stamp) && existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log(`building the client into ${clientDist} (vite build)`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
    const config = path.join(repoRoot, 'client/vite.config.ts');
    const args = [vite, 'build', '--config', config, '--outDir', clientDist, '--emptyOutDir'];
    const child = spawn(process.execPath, args, {
      cwd: path.join(repoRoot, 'client'),
      // vitest sets NODE_ENV=test, which would give React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => output.push(d.toString()));
    child.stderr.on('data', (d) => output.push(d.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !existsSync(index)) {
    throw new Error(`client build failed (exit ${code}):\n${output.join('').slice(-4000)}`);
  }
  writeFileSync(stamp, JSON.stringify({ mode: 'production', builtAt: new Date().toISOString() }));
}

export interface BundleFile {
  file: string;
  kind: 'js' | 'css';
  bytes: number;
  gzipBytes: number;
}

/**
 * What the first page load fetches: the entry script, the module-preloaded chunks and the
 * stylesheets that index.html references (lazy chunks are not first load), each gzipped at
 * level 9 as a static server would serve them precompressed.
 */
export function firstLoadBundle(): { files: BundleFile[]; bytes: number; gzipBytes: number } {
  const html = readFileSync(path.join(clientDist, 'index.html'), 'utf8');
  const refs = new Map<string, 'js' | 'css'>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.set(m[1]!, 'js');
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (!href) continue;
    if (/\brel="modulepreload"/.test(tag)) refs.set(href, 'js');
    else if (/\brel="stylesheet"/.test(tag)) refs.set(href, 'css');
  }
  const files: BundleFile[] = [];
  for (const [ref, kind] of refs) {
    if (/^(https?:)?\/\//.test(ref) || ref.startsWith('data:')) continue;
    const file = path.join(clientDist, ref.replace(/^\//, '').split('?')[0]!);
    const content = readFileSync(file);
    files.push({
      file: path.relative(clientDist, file),
      kind,
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    });
  }
  return {
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0),
  };
}
