// Browser harness for the end-to-end tests: Debian's Chromium driven by playwright-core, one
// persistent context (= one browser process, fresh profile) per participant, fake camera and
// microphone, no DNS, loopback-only WebRTC. Never downloads a browser.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = path.join(repoRoot, 'tests/artifacts');
export const screensDir = path.join(artifactsDir, 'screens');
export const chromiumPath = process.env.GIAOBAN_CHROMIUM ?? '/usr/bin/chromium';

export interface ConsoleEntry {
  at: number;
  page: string;
  type: string;
  text: string;
}

export interface LaunchOptions {
  /** Participant name, used in logs and artefact names. */
  label: string;
  /** Fake camera frame rate (Chromium's default is 20). */
  fps?: number;
  /** Extra Chromium switches. Never pass --disable-features: it replaces Playwright's own list. */
  extraArgs?: string[];
  viewport?: { width: number; height: number };
  /** Base URL the context's relative `page.goto` paths resolve against. */
  baseURL?: string;
  /** Origin granted camera + microphone (the fake-ui switch covers the rest). */
  origin?: string;
  /**
   * 'tcp': behave as if UDP were blocked on this participant's network: the page never sees a
   * remote UDP candidate, so ICE can only succeed over TCP (the server's passive candidates).
   * Chromium's --force-webrtc-ip-handling-policy does not stop loopback UDP, hence this.
   */
  mediaTransport?: 'any' | 'tcp';
}

export interface BrowserParticipant {
  readonly label: string;
  readonly context: BrowserContext;
  /** The first page of the persistent context. */
  readonly page: Page;
  readonly logs: ConsoleEntry[];
  /** Console, page errors and failed requests as text, for a failing test's message. */
  logText(last?: number): string;
  close(): Promise<void>;
}

/** Chromium switches every participant needs on this machine (see issue 4). */
export function chromiumArgs(fps?: number): string[] {
  return [
    fps ? `--use-fake-device-for-media-stream=fps=${fps}` : '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    // Inside `unshare -n` only lo is up: without this Chromium gathers no ICE candidate at all.
    '--allow-loopback-in-peer-connection',
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    // A test tab is often not focused: keep its timers and media pipeline running at full rate.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/**
 * Keeps every RTCPeerConnection the page creates in `window.__e2ePcs`, so tests read WebRTC
 * statistics without depending on the application's internals. mediasoup-client creates its
 * peer connections with `new RTCPeerConnection(...)` looked up at call time, so a subclass
 * installed before any page script runs catches them all.
 */
const pcRegistryScript = `(() => {
  // tsx (esbuild keepNames) wraps named functions in __name(...); functions the harness passes
  // to page.evaluate carry that call into the page.
  if (!globalThis.__name) globalThis.__name = (fn) => fn;
  const Native = window.RTCPeerConnection;
  if (!Native || window.__e2ePcs) return;
  const pcs = [];
  Object.defineProperty(window, '__e2ePcs', { value: pcs, enumerable: false });
  class RegisteredPeerConnection extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  }
  window.RTCPeerConnection = RegisteredPeerConnection;
  if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = RegisteredPeerConnection;
})();`;

/** Drops UDP candidates from every remote description and trickled candidate. */
const tcpOnlyScript = `(() => {
  const P = window.RTCPeerConnection.prototype;
  const isUdp = (line) => /^a=candidate:\\S+ \\d+ udp /i.test(line);
  const strip = (sdp) => sdp.split('\\r\\n').filter((l) => !isUdp(l)).join('\\r\\n');
  const setRemote = P.setRemoteDescription;
  P.setRemoteDescription = function (desc, ...rest) {
    if (desc && desc.sdp) desc = { type: desc.type, sdp: strip(desc.sdp) };
    return setRemote.call(this, desc, ...rest);
  };
  const addCandidate = P.addIceCandidate;
  P.addIceCandidate = function (c, ...rest) {
    if (c && c.candidate && / udp /i.test(c.candidate)) return Promise.resolve();
    return addCandidate.call(this, c, ...rest);
  };
})();`;

export async function launchParticipant(opts: LaunchOptions): Promise<BrowserParticipant> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), `giaoban-e2e-${safeName(opts.label)}-`));
  const logs: ConsoleEntry[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs(opts.fps), ...(opts.extraArgs ?? [])],
      viewport: opts.viewport ?? { width: 1366, height: 768 },
      baseURL: opts.baseURL,
      acceptDownloads: true,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
  } catch (err) {
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  }
  if (opts.origin) {
    await context.grantPermissions(['camera', 'microphone'], { origin: opts.origin });
  }
  await context.addInitScript({ content: pcRegistryScript });
  if (opts.mediaTransport === 'tcp') await context.addInitScript({ content: tcpOnlyScript });

  const record = (page: Page, type: string, text: string) => {
    logs.push({ at: Date.now(), page: page.url(), type, text });
    if (logs.length > 5000) logs.splice(0, logs.length - 5000);
  };
  const watch = (page: Page) => {
    page.on('console', (m) => record(page, m.type(), m.text()));
    page.on('pageerror', (e) => record(page, 'pageerror', e.stack ?? e.message));
    page.on('requestfailed', (r) =>
      record(page, 'requestfailed', `${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`),
    );
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());

  let closed = false;
  const participant: BrowserParticipant = {
    label: opts.label,
    context,
    page,
    logs,
    logText(last = 80) {
      return logs
        .slice(-last)
        .map(
          (l) =>
            `[${opts.label} ${new Date(l.at).toISOString().slice(11, 23)} ${l.type}] ${l.text}`,
        )
        .join('\n');
    },
    async close() {
      if (closed) return;
      closed = true;
      // Keep the console of every participant next to the screenshots: the first thing one
      // reads when a CI run fails.
      await mkdir(path.join(artifactsDir, 'logs'), { recursive: true }).catch(() => {});
      await writeFile(
        path.join(artifactsDir, 'logs', `${safeName(opts.label)}.log`),
        participant.logText(Number.POSITIVE_INFINITY),
      ).catch(() => {});
      await context.close().catch(() => {});
      await rm(profileDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    },
  };
  return participant;
}

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 40);
}

/** Saves a full-page PNG under tests/artifacts/screens/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(screensDir, { recursive: true });
  const file = path.join(screensDir, `${safeName(name)}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

export interface InboundRtp {
  /** Index of the peer connection in creation order. */
  pc: number;
  pcState: RTCPeerConnectionState;
  kind: 'audio' | 'video';
  ssrc: number;
  mid: string | null;
  trackIdentifier: string;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesDecoded: number;
  framesReceived: number;
  frameWidth: number;
  frameHeight: number;
  totalSamplesReceived: number;
  totalAudioEnergy: number;
  decoderImplementation: string | null;
}

export interface OutboundRtp {
  pc: number;
  kind: 'audio' | 'video';
  ssrc: number;
  rid: string | null;
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
  frameWidth: number;
  frameHeight: number;
}

export interface PeerConnectionInfo {
  pc: number;
  connectionState: RTCPeerConnectionState;
  iceConnectionState: RTCIceConnectionState;
  /** Candidate types / protocols of the selected pair, e.g. "udp host -> udp host 40000". */
  selectedPair: string | null;
  /** Browser-side port and protocol of the selected pair (the server sees this port). */
  localPort: number | null;
  localProtocol: string | null;
}

export interface PageRtcStats {
  inbound: InboundRtp[];
  outbound: OutboundRtp[];
  pcs: PeerConnectionInfo[];
}

/** Reads inbound/outbound RTP statistics of every peer connection the page created. */
export async function readRtcStats(page: Page): Promise<PageRtcStats> {
  return page.evaluate(async () => {
    const w = window as unknown as { __e2ePcs?: RTCPeerConnection[] };
    const num = (v: unknown) => (typeof v === 'number' ? v : 0);
    const out = {
      inbound: [] as InboundRtp[],
      outbound: [] as OutboundRtp[],
      pcs: [] as PeerConnectionInfo[],
    };
    const pcs = w.__e2ePcs ?? [];
    for (let i = 0; i < pcs.length; i++) {
      const pc = pcs[i]!;
      if (pc.connectionState === 'closed') {
        out.pcs.push({
          pc: i,
          connectionState: 'closed',
          iceConnectionState: pc.iceConnectionState,
          selectedPair: null,
          localPort: null,
          localProtocol: null,
        });
        continue;
      }
      const report = await pc.getStats();
      // biome-ignore lint/suspicious/noExplicitAny: RTCStats dictionaries are loosely typed in lib.dom
      const byId = new Map<string, any>();
      report.forEach((s) => {
        byId.set(s.id, s);
      });
      let selectedPair: string | null = null;
      let localPort: number | null = null;
      let localProtocol: string | null = null;
      for (const s of byId.values()) {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = byId.get(s.selectedCandidatePairId);
          const local = pair && byId.get(pair.localCandidateId);
          const remote = pair && byId.get(pair.remoteCandidateId);
          if (local && remote) {
            localPort = local.port ?? null;
            localProtocol = local.protocol ?? null;
            selectedPair = `${local.protocol} ${local.candidateType} -> ${remote.protocol} ${remote.candidateType} ${remote.port}`;
          }
        }
        // mediasoup's bandwidth probator is an inbound stream of its own: not media.
        if (s.type === 'inbound-rtp' && s.mid !== 'probator' && s.trackIdentifier !== 'probator') {
          out.inbound.push({
            pc: i,
            pcState: pc.connectionState,
            kind: s.kind,
            ssrc: s.ssrc,
            mid: s.mid ?? null,
            trackIdentifier: s.trackIdentifier ?? '',
            packetsReceived: num(s.packetsReceived),
            packetsLost: num(s.packetsLost),
            bytesReceived: num(s.bytesReceived),
            framesDecoded: num(s.framesDecoded),
            framesReceived: num(s.framesReceived),
            frameWidth: num(s.frameWidth),
            frameHeight: num(s.frameHeight),
            totalSamplesReceived: num(s.totalSamplesReceived),
            totalAudioEnergy: num(s.totalAudioEnergy),
            decoderImplementation: s.decoderImplementation ?? null,
          });
        }
        if (s.type === 'outbound-rtp') {
          out.outbound.push({
            pc: i,
            kind: s.kind,
            ssrc: s.ssrc,
            rid: s.rid ?? null,
            packetsSent: num(s.packetsSent),
            bytesSent: num(s.bytesSent),
            framesEncoded: num(s.framesEncoded),
            frameWidth: num(s.frameWidth),
            frameHeight: num(s.frameHeight),
          });
        }
      }
      out.pcs.push({
        pc: i,
        connectionState: pc.connectionState,
        iceConnectionState: pc.iceConnectionState,
        selectedPair,
        localPort,
        localProtocol,
      });
    }
    return out;
  });
}

/**
 * Ids of the live tracks rendered by the <video>/<audio> elements inside `selector` (or the
 * element itself). With mediasoup-client the remote track id is the consumer id, and equals the
 * inbound-rtp `trackIdentifier`: this ties a statistic to what the user sees on screen.
 */
export async function trackIdsIn(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const ids: string[] = [];
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const media = root.matches('video,audio')
        ? [root as HTMLMediaElement]
        : Array.from(root.querySelectorAll<HTMLMediaElement>('video,audio'));
      for (const el of media) {
        const src = el.srcObject;
        if (src && src instanceof MediaStream) {
          for (const t of src.getTracks()) if (t.readyState === 'live') ids.push(t.id);
        }
      }
    }
    return ids;
  }, selector);
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes what was awaited; the timeout error message starts with it. */
  what: string;
  /** Extra context (e.g. the last stats) appended to the timeout error. */
  detail?: () => string | Promise<string>;
}

/** Polls `check` until it returns a truthy value or the deadline passes (no sleeps as sync). */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = opts.detail ? await Promise.resolve(opts.detail()).catch(String) : '';
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out waiting for ${opts.what}${cause}${detail ? `\n${detail}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

/**
 * Waits until an inbound stream picked by `pick` makes progress on `counter` (e.g. framesDecoded
 * for video, totalSamplesReceived for audio): two readings, the second strictly above the first
 * and above `minDelta`. Returns the last matching stream.
 */
export async function waitForInboundProgress(
  page: Page,
  pick: (s: InboundRtp) => boolean,
  counter:
    | 'framesDecoded'
    | 'packetsReceived'
    | 'totalSamplesReceived'
    | 'totalAudioEnergy'
    | 'bytesReceived',
  opts: { what: string; timeoutMs?: number; minDelta?: number },
): Promise<InboundRtp> {
  let baseline: Map<number, number> | null = null;
  let last: PageRtcStats | null = null;
  return waitUntil(
    async () => {
      last = await readRtcStats(page);
      const picked = last.inbound.filter(pick);
      if (!baseline) {
        baseline = new Map(picked.map((s) => [s.ssrc, s[counter]]));
        return null;
      }
      for (const s of picked) {
        const before = baseline.get(s.ssrc);
        if (before === undefined) {
          baseline.set(s.ssrc, s[counter]);
          continue;
        }
        if (s[counter] > before + (opts.minDelta ?? 0)) return s;
      }
      return null;
    },
    {
      what: opts.what,
      timeoutMs: opts.timeoutMs ?? 30_000,
      intervalMs: 400,
      detail: () => JSON.stringify(last, null, 1),
    },
  );
}

export interface JoinTiming {
  /** performance.now() of the click on the join control. */
  clickAt: number;
  /** performance.now() when a remote video first reported a decoded frame. */
  frameAt: number;
  ms: number;
  /** Click → first inbound video RTP packet (the rest, to `ms`, is waiting for a key frame). */
  firstPacketMs: number | null;
  /** Protocol of the selected ICE pair of the peer connection that decoded it. */
  protocol: string | null;
}

/**
 * Arms an in-page timer: the capture-phase click on an element matching `joinSelector` starts
 * it; getStats polling (every 10 ms, in the page, so no round trip to the test adds to it) stops
 * it at the first inbound video with framesDecoded > 0. Read it with `readJoinTiming`.
 */
export async function armJoinTimer(page: Page, joinSelector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as {
      __e2ePcs?: RTCPeerConnection[];
      __e2eJoin?: {
        clickAt: number;
        frameAt?: number;
        packetAt?: number;
        protocol?: string | null;
      };
    };
    delete w.__e2eJoin;
    const poll = async () => {
      const state = w.__e2eJoin;
      if (!state || state.frameAt !== undefined) return;
      for (const pc of w.__e2ePcs ?? []) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        let decoded = false;
        let pairId: string | undefined;
        report.forEach((st) => {
          if (st.type === 'inbound-rtp' && st.kind === 'video' && st.mid !== 'probator') {
            if ((st.framesDecoded ?? 0) > 0) decoded = true;
            if ((st.packetsReceived ?? 0) > 0 && state.packetAt === undefined) {
              state.packetAt = performance.now();
            }
          }
          if (st.type === 'transport' && st.selectedCandidatePairId)
            pairId = st.selectedCandidatePairId;
        });
        if (decoded && state.frameAt === undefined) {
          state.frameAt = performance.now();
          const pair = pairId ? report.get(pairId) : undefined;
          state.protocol = pair ? (report.get(pair.localCandidateId)?.protocol ?? null) : null;
          return;
        }
      }
      setTimeout(poll, 10);
    };
    document.addEventListener(
      'click',
      (e) => {
        const target = e.target as Element | null;
        if (!w.__e2eJoin && target?.closest(sel)) {
          w.__e2eJoin = { clickAt: performance.now() };
          void poll();
        }
      },
      { capture: true },
    );
  }, joinSelector);
}

export async function readJoinTiming(page: Page, timeoutMs = 30_000): Promise<JoinTiming> {
  return waitUntil(
    () =>
      page.evaluate(() => {
        const j = (
          window as unknown as {
            __e2eJoin?: {
              clickAt: number;
              frameAt?: number;
              packetAt?: number;
              protocol?: string | null;
            };
          }
        ).__e2eJoin;
        if (!j || j.frameAt === undefined) return null;
        return {
          clickAt: j.clickAt,
          frameAt: j.frameAt,
          ms: j.frameAt - j.clickAt,
          firstPacketMs: j.packetAt === undefined ? null : j.packetAt - j.clickAt,
          protocol: j.protocol ?? null,
        };
      }),
    {
      what: 'the first decoded remote video frame after the join click',
      timeoutMs,
      intervalMs: 100,
    },
  );
}
