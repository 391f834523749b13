// A load-client process: hosts many WebRtcSite peers (or the chair) and answers its parent over
// IPC. Spawned by SiteFleet with `node --import tsx`; one media clock per process.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { JanusMountpoint } from './JanusServer';
import { JanusSite, PlainRtpFeed } from './JanusSite';
import { audioClip, CHAIR_VIDEO, SITE_LAYERS, videoClip } from './mediaFiles';
import { readOggOpus } from './ogg';
import { enlargeUdpReceiveBuffers } from './socketBuffers';
import { readIvf } from './vp8';
import { MediaClock, type PeerStats, type SiteMedia, WebRtcSite } from './WebRtcSite';

// LOAD_UDP_RECV_BUFFER=0 keeps the kernel's default (see socketBuffers.ts).
enlargeUdpReceiveBuffers(Number(process.env.LOAD_UDP_RECV_BUFFER ?? 4 << 20));

export type RunnerCommand =
  | {
      type: 'sites';
      hubUrl: string;
      sites: Array<{ label: string; invitation: string; inboundLossPct?: number }>;
      /** Spread the joins over this many ms. */
      rampMs: number;
      send: boolean;
      /** Hubs to reconnect through when `hubUrl` dies. */
      fallbackUrls?: string[];
    }
  | {
      type: 'chair';
      hubUrl: string;
      username: string;
      password: string;
      meetingId: string;
      fallbackUrls?: string[];
    }
  /**
   * The chair's page: the low layer of `tiles` site cameras (page 0: the first ones, plus the
   * high layer of the first as the spotlight); page n > 0 pauses the page on screen and shows
   * cameras n·tiles… (replies with each new tile's resume → first key frame, ms).
   */
  | { type: 'grid'; tiles: number; page?: number }
  /** bench:webrtc --sfu janus: sites watching Janus's streaming mountpoint. */
  | {
      type: 'janus-sites';
      janusUrl: string;
      mountpointId: number;
      sites: Array<{ label: string; inboundLossPct?: number }>;
      rampMs: number;
    }
  /** The chair's clip as plain RTP into the Janus mountpoint. */
  | { type: 'janus-feed'; mountpoint: JanusMountpoint }
  | { type: 'mark' }
  | { type: 'stats'; id: number }
  /** These sites start sending their camera (three layers) and a mic (silent until `speak`). */
  | { type: 'send'; id?: number; labels: string[] }
  /** Their mic sender on/off (the hub still decides whether it flows: the floor). */
  | { type: 'speak'; id?: number; labels: string[]; on: boolean }
  /** These sites also consume `producerIds` (counted as tiles). */
  | { type: 'watch'; id?: number; labels: string[]; producerIds: string[] }
  /** A socket request of the first peer here (the chair): `floor:grant`, … */
  | { type: 'emit'; id?: number; event: string; payload: unknown }
  | { type: 'close' };

export type RunnerReply =
  | { type: 'ready' }
  | { type: 'joined'; failed: number; epochOffsetMs: number }
  | { type: 'chair'; producers: Array<{ producerId: string; peerId: string; kind: string }> }
  | { type: 'watching'; firstFrameMs?: Array<number | null> }
  | { type: 'feeding' }
  | {
      type: 'stats';
      id: number;
      peers: PeerStats[];
      cpuMs: number;
      epochOffsetMs: number;
      /** Event-loop delay since the last mark (ms): a stalled loop leaves datagrams unread. */
      loopDelayMs?: { p99: number; max: number };
    }
  | { type: 'done'; id?: number; data?: unknown; error?: string };

const send = (m: RunnerReply) => process.send!(m);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const clock = new MediaClock();
const peers: WebRtcSite[] = [];
const janusPeers: JanusSite[] = [];
let feed: PlainRtpFeed | undefined;
let media: SiteMedia | undefined;
const loadMedia = (chair: boolean): SiteMedia =>
  (media ??= {
    layers: (chair ? [CHAIR_VIDEO] : SITE_LAYERS).map((s) => readIvf(videoClip(s))),
    opus: readOggOpus(audioClip()),
  });

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

process.on('message', async (cmd: RunnerCommand) => {
  try {
    if (cmd.type === 'sites') {
      const m = loadMedia(false);
      const start = performance.now();
      await Promise.all(
        cmd.sites.map(async (s, i) => {
          const at = start + (cmd.rampMs * i) / cmd.sites.length;
          await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
          peers.push(
            await WebRtcSite.join({
              hubUrl: cmd.hubUrl,
              invitation: s.invitation,
              label: s.label,
              media: m,
              clock,
              send: cmd.send,
              ...(cmd.fallbackUrls ? { fallbackUrls: cmd.fallbackUrls } : {}),
              ...(s.inboundLossPct ? { inboundLossPct: s.inboundLossPct } : {}),
            }),
          );
        }),
      );
      send({
        type: 'joined',
        failed: peers.filter((p) => p.error).length,
        epochOffsetMs: Date.now() - performance.now(),
      });
    } else if (cmd.type === 'chair') {
      const chair = await WebRtcSite.joinAsChair({ ...cmd, media: loadMedia(true), clock });
      peers.push(chair);
      send({ type: 'chair', producers: [] });
    } else if (cmd.type === 'grid') {
      const chair = peers[0]!;
      const snap = await chair.refreshSnapshot();
      const cams = snap.producers
        .filter((p) => p.peerId.startsWith('site:') && p.kind === 'video')
        .map((p) => p.producerId);
      const page = cmd.page ?? 0;
      const ids = await chair.showPage(cams.slice(page * cmd.tiles, (page + 1) * cmd.tiles), 0);
      if (page === 0 && cams[0]) await chair.watch([cams[0]], 2);
      // Wait (≤ 5 s) for every tile's first complete key frame.
      const until = performance.now() + 5000;
      let ms = chair.tileFirstFrameMs(ids);
      while (ms.some((x) => x === null) && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        ms = chair.tileFirstFrameMs(ids);
      }
      send({ type: 'watching', firstFrameMs: ms });
    } else if (cmd.type === 'janus-sites') {
      const start = performance.now();
      await Promise.all(
        cmd.sites.map(async (s, i) => {
          const at = start + (cmd.rampMs * i) / cmd.sites.length;
          await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
          janusPeers.push(
            await JanusSite.join({
              janusUrl: cmd.janusUrl,
              mountpointId: cmd.mountpointId,
              label: s.label,
              ...(s.inboundLossPct ? { inboundLossPct: s.inboundLossPct } : {}),
            }),
          );
        }),
      );
      send({
        type: 'joined',
        failed: janusPeers.filter((p) => p.error).length,
        epochOffsetMs: Date.now() - performance.now(),
      });
    } else if (cmd.type === 'janus-feed') {
      const m = loadMedia(true);
      const mp = cmd.mountpoint;
      feed = new PlainRtpFeed(
        m,
        { video: mp.videoPort, audio: mp.audioPort, videoPt: mp.videoPt, audioPt: mp.audioPt },
        clock,
      );
      send({ type: 'feeding' });
    } else if (cmd.type === 'send' || cmd.type === 'speak' || cmd.type === 'watch') {
      const mine = peers.filter((p) => cmd.labels.includes(p.label));
      for (const p of mine) {
        if (cmd.type === 'send') await p.startSending();
        else if (cmd.type === 'speak') p.speak(cmd.on);
        else await p.watch(cmd.producerIds, 0);
      }
      send({ type: 'done', id: cmd.id, data: mine.length });
    } else if (cmd.type === 'emit') {
      const chair = peers[0]!;
      const r = await new Promise<{ ok: boolean; data?: unknown; error?: { message: string } }>(
        (resolve) =>
          (chair.socket.emit as (e: string, p: unknown, cb: (r: never) => void) => void)(
            cmd.event,
            cmd.payload,
            resolve,
          ),
      );
      send({
        type: 'done',
        id: cmd.id,
        ...(r.ok ? { data: r.data } : { error: r.error?.message ?? 'refused' }),
      });
    } else if (cmd.type === 'mark') {
      for (const p of peers) p.markWindow();
      for (const p of janusPeers) p.markWindow();
      loopDelay.reset();
    } else if (cmd.type === 'stats') {
      send({
        type: 'stats',
        id: cmd.id,
        peers: [
          ...peers.map((p) => p.stats()),
          ...janusPeers.map((p) => p.stats()),
          ...(feed ? [feed.stats()] : []),
        ],
        cpuMs: cpuMs(),
        loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        epochOffsetMs: Date.now() - performance.now(),
      });
    } else if (cmd.type === 'close') {
      clock.stop();
      feed?.close();
      await Promise.race([
        Promise.all([...peers, ...janusPeers].map((p) => p.close())),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
      process.exit(0);
    }
  } catch (e) {
    process.stderr.write(`site-runner: ${(e as Error).stack}\n`);
    process.exit(1);
  }
});
send({ type: 'ready' });
