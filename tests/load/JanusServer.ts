// Debian's Janus (1.1.2) as the peer SFU of bench:webrtc --sfu janus, configured from files
// written here: janus.jcfg with only the streaming plugin and the HTTP transport (API on
// 127.0.0.1); one RTP mountpoint (VP8 + opus, key frame kept for new viewers) fed by
// PlainRtpFeed. Installed from Debian (apt-get) when the bench asks for it, never by the product.
//
// libnice gathers no candidate on loopback ("Gathering error" in a namespace with only `lo`), so
// Janus's ICE runs on a test host built here: a veth pair with 10.211.0.1/24 inside the bench's
// own network namespace (refused outside one). Packets to that local address still go over the
// namespace's loopback; nothing leaves the namespace.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureDebianTool } from './mediaFiles';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
const IFACE = 'gbjanus0';
export const JANUS_ICE_ADDRESS = '10.211.0.1';

/** The veth test host Janus's ICE binds to, in this (private) network namespace. */
function ensureTestHost(): void {
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  if (links.includes(`${IFACE}@`)) return;
  const others = links
    .split('\n')
    .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1])
    .filter((n) => n && n !== 'lo');
  if (others.length > 0) {
    throw new Error(
      `--sfu janus builds its ICE test host (veth ${IFACE}) only in a private network namespace, ` +
        `and this one has ${others.join(', ')}: run the bench under \`unshare -n bash -c 'ip link set lo up && exec …'\``,
    );
  }
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
  ip('link', 'add', IFACE, 'type', 'veth', 'peer', 'name', `${IFACE}p`);
  ip('addr', 'add', `${JANUS_ICE_ADDRESS}/24`, 'dev', IFACE);
  ip('link', 'set', IFACE, 'up');
  ip('link', 'set', `${IFACE}p`, 'up');
}
const OTHER_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'textroom',
  'videocall',
  'videoroom',
  'voicemail',
];
const OTHER_TRANSPORTS = ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq', 'websockets'];

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export interface JanusMountpoint {
  id: number;
  videoPort: number;
  audioPort: number;
  videoPt: number;
  audioPt: number;
}

export class JanusServer {
  private constructor(
    readonly url: string,
    readonly mountpoint: JanusMountpoint,
    readonly dir: string,
    readonly proc: ChildProcess,
  ) {}

  get pid(): number {
    return this.proc.pid!;
  }

  static async start(log: (s: string) => void = () => {}): Promise<JanusServer> {
    ensureDebianTool('janus', 'janus', log);
    ensureTestHost();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'giaoban-janus-'));
    const httpPort = await freeTcpPort();
    const mountpoint: JanusMountpoint = {
      id: 1,
      videoPort: await freeUdpPort(),
      audioPort: await freeUdpPort(),
      videoPt: 96,
      audioPt: 111,
    };
    const csv = (xs: string[]) => xs.map((x) => `libjanus_${x}.so`).join(',');
    writeFileSync(
      path.join(dir, 'janus.jcfg'),
      `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${dir}/none"
  loggers_folder = "${dir}/none"
  debug_level = 3
  session_timeout = 120
}
media: {
  rtp_port_range = "30000-39999"
}
nat: {
  nice_debug = false
  ice_enforce_list = "${IFACE}"
  ignore_mdns = true
}
plugins: {
  disable = "${csv(OTHER_PLUGINS)}"
}
transports: {
  disable = "${csv(OTHER_TRANSPORTS)}"
}
events: {
  broadcast = false
}
`,
    );
    writeFileSync(
      path.join(dir, 'janus.transport.http.jcfg'),
      `general: {
  json = "compact"
  base_path = "/janus"
  http = true
  ip = "127.0.0.1"
  port = ${httpPort}
  https = false
}
admin: {
  admin_http = false
}
`,
    );
    writeFileSync(
      path.join(dir, 'janus.plugin.streaming.jcfg'),
      `general: {
}
chair: {
  type = "rtp"
  id = ${mountpoint.id}
  description = "GiaoBan bench: the chair"
  media = (
    { type = "video" mid = "v" label = "video" port = ${mountpoint.videoPort} pt = ${mountpoint.videoPt} codec = "vp8" bufferkf = true },
    { type = "audio" mid = "a" label = "audio" port = ${mountpoint.audioPort} pt = ${mountpoint.audioPt} codec = "opus" }
  )
}
`,
    );
    const proc = spawn('janus', ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-o'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4000);
    });
    const url = `http://127.0.0.1:${httpPort}/janus`;
    const until = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`janus exited (${proc.exitCode}): ${stderr}`);
      try {
        const r = await fetch(url, {
          method: 'POST',
          body: JSON.stringify({ janus: 'info', transaction: 'ready' }),
        });
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) {
        proc.kill('SIGKILL');
        throw new Error(`janus did not answer on ${url} in 20 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return new JanusServer(url, mountpoint, dir, proc);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
