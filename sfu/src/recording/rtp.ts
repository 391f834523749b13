/**
 * The RTP and RTCP the recorder path reads and writes (RFC 3550, 4585, 5761, 7741). Only what
 * the relay between mediasoup and the recorder needs: parse a header, rebuild one, sender
 * reports, generic NACK, PLI, and the VP8 key-frame test.
 */

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** The payload without CSRCs, header extensions and padding. */
  payload: Uint8Array;
}

/** RTP vs RTCP on a muxed port (RFC 5761): RTCP packet types 192..223 sit in byte 1. */
export function isRtcp(packet: Uint8Array): boolean {
  if (packet.length < 8) return false;
  const pt = packet[1]!;
  return pt >= 192 && pt <= 223;
}

/** Parses an RTP packet; undefined for RTCP, runts and malformed packets. */
export function parseRtp(buf: Uint8Array): RtpPacket | undefined {
  if (buf.length < 12 || (buf[0]! & 0xc0) !== 0x80 || isRtcp(buf)) return undefined;
  const padding = (buf[0]! & 0x20) !== 0;
  const extension = (buf[0]! & 0x10) !== 0;
  const csrcCount = buf[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (extension) {
    if (offset + 4 > buf.length) return undefined;
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    offset += 4 + words * 4;
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1]!;
    if (pad === 0) return undefined;
    end -= pad;
  }
  if (offset > end) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    marker: (buf[1]! & 0x80) !== 0,
    payloadType: buf[1]! & 0x7f,
    sequenceNumber: dv.getUint16(2),
    timestamp: dv.getUint32(4),
    ssrc: dv.getUint32(8),
    payload: buf.subarray(offset, end),
  };
}

/** A plain RTP packet: 12-byte header, no CSRC, no extension, no padding. */
export function buildRtp(h: Omit<RtpPacket, 'payload'>, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(12 + payload.length);
  buf[0] = 0x80;
  buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  buf.writeUInt16BE(h.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(h.timestamp >>> 0, 4);
  buf.writeUInt32BE(h.ssrc >>> 0, 8);
  buf.set(payload, 12);
  return buf;
}

/** Milliseconds since the Unix epoch as a 64-bit NTP timestamp (seconds since 1900, fraction). */
export function ntpFromUnixMs(ms: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(ms / 1000) + 2_208_988_800;
  const fraction = Math.floor(((ms % 1000) / 1000) * 0x1_0000_0000);
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** RTCP sender report (PT 200) without report blocks. */
export function buildSenderReport(o: {
  ssrc: number;
  unixMs: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}): Buffer {
  const buf = Buffer.alloc(28);
  buf[0] = 0x80;
  buf[1] = 200;
  buf.writeUInt16BE(6, 2);
  buf.writeUInt32BE(o.ssrc >>> 0, 4);
  const ntp = ntpFromUnixMs(o.unixMs);
  buf.writeUInt32BE(ntp.seconds, 8);
  buf.writeUInt32BE(ntp.fraction, 12);
  buf.writeUInt32BE(o.rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(o.packets >>> 0, 20);
  buf.writeUInt32BE(o.octets >>> 0, 24);
  return buf;
}

/**
 * Generic NACK (RTPFB, FMT 1) for the given sequence numbers: one FCI (PID + 16-bit bitmask of
 * the following ones) per run of up to 17 numbers.
 */
export function buildNack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  // Order relative to the first number so a run across the 16-bit wrap stays one run.
  const first = (seqs[0] ?? 0) & 0xffff;
  const sorted = [...new Set(seqs.map((s) => s & 0xffff))].sort(
    (a, b) => ((a - first) & 0xffff) - ((b - first) & 0xffff),
  );
  const fcis: Array<[number, number]> = [];
  for (const seq of sorted) {
    const last = fcis[fcis.length - 1];
    const diff = last ? (seq - last[0]) & 0xffff : 0;
    if (last && diff >= 1 && diff <= 16) last[1] |= 1 << (diff - 1);
    else fcis.push([seq, 0]);
  }
  const buf = Buffer.alloc(12 + fcis.length * 4);
  buf[0] = 0x80 | 1;
  buf[1] = 205;
  buf.writeUInt16BE(2 + fcis.length, 2);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  fcis.forEach(([pid, blp], i) => {
    buf.writeUInt16BE(pid, 12 + i * 4);
    buf.writeUInt16BE(blp, 14 + i * 4);
  });
  return buf;
}

/** The sequence numbers a generic NACK asks for. */
export function parseNack(buf: Uint8Array): { mediaSsrc: number; seqs: number[] } | undefined {
  if (buf.length < 16 || buf[1] !== 205 || (buf[0]! & 0x1f) !== 1) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const words = dv.getUint16(2);
  const seqs: number[] = [];
  for (let off = 12; off + 4 <= Math.min(buf.length, (words + 1) * 4); off += 4) {
    const pid = dv.getUint16(off);
    const blp = dv.getUint16(off + 2);
    seqs.push(pid);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) seqs.push((pid + i + 1) & 0xffff);
  }
  return { mediaSsrc: dv.getUint32(8), seqs };
}

/** Picture loss indication (PSFB, FMT 1). */
export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const buf = Buffer.alloc(12);
  buf[0] = 0x80 | 1;
  buf[1] = 206;
  buf.writeUInt16BE(2, 2);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  return buf;
}

/** Each packet of a compound RTCP datagram: its type, format and bytes. */
export function* rtcpPackets(
  buf: Uint8Array,
): Generator<{ type: number; fmt: number; bytes: Uint8Array }> {
  let offset = 0;
  while (offset + 4 <= buf.length) {
    const words = (buf[offset + 2]! << 8) | buf[offset + 3]!;
    const end = offset + (words + 1) * 4;
    if (end > buf.length) return;
    yield { type: buf[offset + 1]!, fmt: buf[offset]! & 0x1f, bytes: buf.subarray(offset, end) };
    offset = end;
  }
}

/**
 * Where the VP8 payload header starts after the payload descriptor (RFC 7741 §4.2), or -1.
 * Also says whether this packet starts partition 0 of a frame (S=1, PID=0).
 */
function vp8Header(payload: Uint8Array): { offset: number; frameStart: boolean } {
  if (payload.length < 1) return { offset: -1, frameStart: false };
  const b0 = payload[0]!;
  const frameStart = (b0 & 0x10) !== 0 && (b0 & 0x07) === 0;
  let offset = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return { offset: -1, frameStart };
    const x = payload[1]!;
    offset = 2;
    if (x & 0x80) {
      if (payload.length <= offset) return { offset: -1, frameStart };
      offset += payload[offset]! & 0x80 ? 2 : 1;
    }
    if (x & 0x40) offset += 1;
    if (x & 0x30) offset += 1;
  }
  return { offset: offset < payload.length ? offset : -1, frameStart };
}

/** True when this VP8 RTP payload starts a key frame (the P bit of the frame tag is 0). */
export function isVp8KeyFrameStart(payload: Uint8Array): boolean {
  const { offset, frameStart } = vp8Header(payload);
  return frameStart && offset >= 0 && (payload[offset]! & 0x01) === 0;
}

/**
 * RTP payloads for one VP8 frame: a one-byte descriptor (S on the first, partition 0) and at
 * most `mtu` bytes of frame each. The caller sets the marker on the last.
 */
export function packetizeVp8(frame: Uint8Array, mtu = 1100): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < frame.length || out.length === 0; off += mtu) {
    const chunk = frame.subarray(off, Math.min(frame.length, off + mtu));
    const p = new Uint8Array(1 + chunk.length);
    p[0] = off === 0 ? 0x10 : 0x00;
    p.set(chunk, 1);
    out.push(p);
  }
  return out;
}

/** A 20 ms opus packet that decodes to silence (CELT fullband, the frame libopus emits in DTX). */
export const OPUS_SILENCE = Uint8Array.of(0xf8, 0xff, 0xfe);
