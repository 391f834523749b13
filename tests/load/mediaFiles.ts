// The media the load sites replay: encoded once by Debian's ffmpeg (a test pattern, libvpx in
// real-time mode as a browser's encoder runs) and cached. Installs ffmpeg from Debian when the
// bench needs it and it is missing; never at npm start.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One simulcast layer (or the chair's single encoding). */
export interface VideoSpec {
  name: string;
  width: number;
  height: number;
  kbps: number;
}

/** The chair: 720p30 at about 1.2 Mbps. */
export const CHAIR_VIDEO: VideoSpec = { name: 'chair-720p', width: 1280, height: 720, kbps: 1200 };
/** A site's camera as the browser client sends it: three simulcast layers. */
export const SITE_LAYERS: VideoSpec[] = [
  { name: 'site-180p', width: 320, height: 180, kbps: 150 },
  { name: 'site-360p', width: 640, height: 360, kbps: 500 },
  { name: 'site-720p', width: 1280, height: 720, kbps: 1200 },
];
/** Seconds of each clip; the replay loops (the loop point is the clip's first key frame). */
export const CLIP_SECONDS = 10;

const cacheDir = path.join(
  process.env.GIAOBAN_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'giaoban'),
  'bench-media',
);

/**
 * The network namespace apt-get can reach Debian's mirror from. The benches run in a
 * loopback-only namespace (`unshare -n`), where apt-get cannot: the nearest ancestor process in
 * another network namespace (the shell that ran `unshare`) is the machine's, and as root nsenter
 * joins it for apt-get alone; the load itself stays on the namespace's loopback.
 */
function outsideNetNs(): string | undefined {
  const ns = (pid: number | 'self') => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return undefined;
    }
  };
  const own = ns('self');
  let pid = process.ppid;
  for (let hops = 0; own && pid > 1 && hops < 32; hops++) {
    const theirs = ns(pid);
    if (theirs && theirs !== own) return `/proc/${pid}/ns/net`;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    pid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return undefined;
}

function aptGet(args: string[], env: NodeJS.ProcessEnv): void {
  const outside = outsideNetNs();
  const [cmd, argv] = outside
    ? ['nsenter', [`--net=${outside}`, 'apt-get', ...args]]
    : ['apt-get', args];
  execFileSync(cmd, argv, { stdio: 'ignore', env });
}

/** Installs a Debian package when its command is missing (the bench asked for it). */
export function ensureDebianTool(command: string, pkg: string, log: (s: string) => void): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status === 0) return;
  log(`${command} is missing: installing Debian's ${pkg} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!existsSync('/var/lib/apt/lists') || spawnSync('apt-get', ['-s', 'install', pkg]).status) {
    aptGet(['update', '-q'], env);
  }
  try {
    aptGet(['install', '-y', '--no-install-recommends', pkg], env);
  } catch {
    // Stale package lists (a mirror moved on): refresh them once and try again.
    aptGet(['update', '-q'], env);
    aptGet(['install', '-y', '--no-install-recommends', pkg], env);
  }
}

function encode(out: string, args: string[]): void {
  if (existsSync(out)) return;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  renameSync(tmp, out);
}

/** Path of the IVF clip for a spec, encoding it first if needed. */
export function videoClip(spec: VideoSpec): string {
  const out = path.join(cacheDir, `${spec.name}-${spec.kbps}k-${CLIP_SECONDS}s.ivf`);
  // Camera-like: real-time libvpx, constant bit rate, one key frame per clip (the encoder is
  // asked for more key frames on PLI: the replay then jumps to one, see VideoReplay).
  encode(out, [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=30`],
    ...['-t', String(CLIP_SECONDS), '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'],
    ...['-b:v', `${spec.kbps}k`, '-minrate', `${spec.kbps}k`, '-maxrate', `${spec.kbps}k`],
    ...['-g', String(CLIP_SECONDS * 30), '-auto-alt-ref', '0', '-lag-in-frames', '0'],
    ...['-error-resilient', '1', '-f', 'ivf'],
  ]);
  return out;
}

/** Opus, 20 ms frames, a 440 Hz tone. */
export function audioClip(): string {
  const out = path.join(cacheDir, `chair-opus-32k-${CLIP_SECONDS}s.ogg`);
  encode(out, [
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(CLIP_SECONDS)],
    ...['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-application', 'voip'],
    ...['-f', 'ogg'],
  ]);
  return out;
}

/** Every clip the bench replays, encoded (and ffmpeg installed) if needed. */
export function prepareMedia(log: (s: string) => void): void {
  const all = [CHAIR_VIDEO, ...SITE_LAYERS];
  if (
    all.every((s) => existsSync(path.join(cacheDir, `${s.name}-${s.kbps}k-${CLIP_SECONDS}s.ivf`)))
  )
    return;
  ensureDebianTool('ffmpeg', 'ffmpeg', log);
  log('encoding the test clips with ffmpeg (once; cached)…');
  for (const s of all) videoClip(s);
  audioClip();
}
