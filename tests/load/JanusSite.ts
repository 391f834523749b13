// A werift site watching the chair through Janus's streaming plugin instead of GiaoBan (the peer
// SFU of bench:webrtc --sfu janus): Janus HTTP API on 127.0.0.1 (create session → attach
// janus.plugin.streaming → watch → Janus's offer → werift's answer → start), then the same
// receive-side measurement as WebRtcSite (InboundStream: first RTP, first complete key frame,
// loss, NACK-recovered). Also the RTP feed: the chair's clip replayed over plain RTP into the
// mountpoint's ports, by the same ReplaySender the GiaoBan chair uses.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import type { RTCDtlsTransport, RtpHeader } from 'werift';
import { RtpPacket } from 'werift';
import { InboundStream } from './InboundStream';
import { ReplaySender, type SenderCounters } from './ReplaySender';
import type { MediaClock, PeerStats, SiteMedia } from './WebRtcSite';
import { newPc } from './WebRtcSite';

interface JanusReply {
  janus: string;
  transaction?: string;
  data?: { id: number };
  plugindata?: { data: Record<string, unknown> };
  jsep?: { type: 'offer' | 'answer'; sdp: string };
  error?: { code: number; reason: string };
}

let tx = 0;
async function janus(url: string, body: Record<string, unknown>): Promise<JanusReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: `t${++tx}` }),
  });
  const r = (await res.json()) as JanusReply;
  if (r.janus === 'error') throw new Error(`janus: ${r.error?.code} ${r.error?.reason}`);
  return r;
}

export interface JanusJoinOptions {
  /** e.g. http://127.0.0.1:8088/janus */
  janusUrl: string;
  mountpointId: number;
  label: string;
  inboundLossPct?: number;
}

export class JanusSite {
  readonly label: string;
  readonly joinStartedAt = performance.now();
  joinedAt: number | null = null;
  error: string | undefined;
  readonly #video = new InboundStream('video');
  readonly #audio = new InboundStream('audio');
  #pc: ReturnType<typeof newPc> | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #session = '';

  private constructor(label: string) {
    this.label = label;
  }

  static async join(o: JanusJoinOptions): Promise<JanusSite> {
    const site = new JanusSite(o.label);
    try {
      await site.#join(o);
    } catch (e) {
      site.error = (e as Error).message;
    }
    return site;
  }

  async #join(o: JanusJoinOptions): Promise<void> {
    const session = (await janus(o.janusUrl, { janus: 'create' })).data!.id;
    this.#session = `${o.janusUrl}/${session}`;
    const handle = (
      await janus(this.#session, { janus: 'attach', plugin: 'janus.plugin.streaming' })
    ).data!.id;
    const h = `${this.#session}/${handle}`;
    await janus(h, { janus: 'message', body: { request: 'watch', id: o.mountpointId } });
    const offer = await this.#nextJsep();
    const pc = newPc(o.inboundLossPct);
    this.#pc = pc;
    pc.onTransceiverAdded.subscribe((tr) => {
      tr.onTrack.subscribe((track) => {
        const stream = track.kind === 'video' ? this.#video : this.#audio;
        track.onReceiveRtp.subscribe((rtp) =>
          stream.onRtp(
            rtp.header.sequenceNumber,
            rtp.header.timestamp,
            rtp.header.marker,
            rtp.payload,
            performance.now(),
          ),
        );
      });
    });
    await pc.setRemoteDescription(offer);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    // werift put its candidates in the answer (gathered before it resolved): no trickle needed.
    await janus(h, {
      janus: 'message',
      body: { request: 'start' },
      jsep: { type: 'answer', sdp: pc.localDescription!.sdp },
    });
    await janus(h, { janus: 'trickle', candidate: { completed: true } });
    this.#keepalive = setInterval(
      () => void janus(this.#session, { janus: 'keepalive' }).catch(() => {}),
      20_000,
    );
    this.joinedAt = performance.now();
  }

  /** Long-polls the session until the plugin's event with Janus's offer arrives. */
  async #nextJsep(): Promise<{ type: 'offer'; sdp: string }> {
    const until = performance.now() + 30_000;
    while (performance.now() < until) {
      const res = await fetch(`${this.#session}?maxev=5`);
      const events = (await res.json()) as JanusReply | JanusReply[];
      for (const e of Array.isArray(events) ? events : [events]) {
        const err = e.plugindata?.data?.error;
        if (err) throw new Error(`janus streaming: ${String(err)}`);
        if (e.jsep?.type === 'offer') return e.jsep as { type: 'offer'; sdp: string };
      }
    }
    throw new Error('janus: no offer in 30 s');
  }

  markWindow(): void {
    this.#video.markWindow();
    this.#audio.markWindow();
  }

  stats(): PeerStats {
    return {
      label: this.label,
      joinStartedAt: this.joinStartedAt,
      joinedAt: this.joinedAt,
      video: this.#video.summary(),
      audio: this.#audio.summary(),
      tiles: [],
      sent: null,
      activeLayers: [],
      ...(this.error ? { error: this.error } : {}),
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#keepalive);
    if (this.#session) await janus(this.#session, { janus: 'destroy' }).catch(() => {});
    await this.#pc?.close().catch(() => {});
  }
}

/**
 * The chair's clip (VP8 + opus) as plain RTP into a Janus RTP mountpoint's ports, paced by the
 * process's media clock like every other sender. No RTCP comes back (Janus asks a plain RTP
 * source for nothing; the mountpoint keeps the last key frame for new viewers).
 */
export class PlainRtpFeed {
  readonly #socket = dgram.createSocket('udp4');
  readonly #senders: ReplaySender[] = [];

  constructor(
    media: SiteMedia,
    ports: { video: number; audio: number; videoPt: number; audioPt: number },
    readonly clock: MediaClock,
  ) {
    const target = (port: number) =>
      ({
        state: 'connected',
        transportSequenceNumber: 0,
        onRtcp: { subscribe: () => ({ unSubscribe: () => {} }) },
        sendRtp: (payload: Buffer, header: RtpHeader) => {
          this.#socket.send(new RtpPacket(header, payload).serialize(), port, '127.0.0.1');
        },
      }) as unknown as RTCDtlsTransport;
    const video = new ReplaySender(
      [{ frames: media.layers[0]!, ssrc: randomInt(1, 0xffffffff), active: true }],
      ports.videoPt,
      'v',
      'video',
    );
    const audio = new ReplaySender(
      [{ audio: media.opus, ssrc: randomInt(1, 0xffffffff), active: true }],
      ports.audioPt,
      'a',
      'audio',
    );
    video.attach(target(ports.video), []);
    audio.attach(target(ports.audio), []);
    this.#senders.push(video, audio);
    for (const s of this.#senders) clock.add(s);
  }

  /** The chair's side of the Janus rows: what it sent (the bench's ingress). */
  stats(): PeerStats {
    const [v, a] = this.#senders.map((s) => s.counters) as [SenderCounters, SenderCounters];
    return {
      label: 'chair-feed',
      joinStartedAt: 0,
      joinedAt: 0,
      video: null,
      audio: null,
      tiles: [],
      sent: { ...v, packets: v.packets + a.packets, bytes: v.bytes + a.bytes },
      activeLayers: [],
    };
  }

  close(): void {
    for (const s of this.#senders) this.clock.delete(s);
    this.#socket.close();
  }
}
