/**
 * Minimal RTP for tests and the benchmark: enough for mediasoup to parse VP8 key frames and
 * forward opus, nothing more. No RTCP generation; RTCP from the SFU is recognised and parsed
 * just far enough to notice PLI/FIR key-frame requests.
 */

export const VIDEO_PT = 101;
export const AUDIO_PT = 100;

export interface RtpHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
}

/** Header extension id the synthetic sender uses for ssrc-audio-level (RFC 6464). */
export const AUDIO_LEVEL_EXT_ID = 1;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/**
 * An RTP packet; with `audioLevelDbov` (0..127, i.e. -dBov) it carries a one-byte
 * ssrc-audio-level header extension, which mediasoup's audio observers read.
 */
export function buildRtpPacket(
  h: RtpHeader & { audioLevelDbov?: number },
  payload: Uint8Array,
): Buffer {
  const ext = h.audioLevelDbov !== undefined;
  const headerLen = 12 + (ext ? 8 : 0);
  const buf = Buffer.allocUnsafe(headerLen + payload.length);
  buf[0] = ext ? 0x90 : 0x80; // V=2, X when extended, no padding, no CSRC
  buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  buf.writeUInt16BE(h.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(h.timestamp >>> 0, 4);
  buf.writeUInt32BE(h.ssrc >>> 0, 8);
  if (ext) {
    buf.writeUInt16BE(0xbede, 12); // one-byte header extensions
    buf.writeUInt16BE(1, 14); // one 32-bit word
    buf[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0; // id, length-1 = 0
    buf[17] = 0x80 | (h.audioLevelDbov! & 0x7f); // V (voice) flag + level
    buf[18] = 0;
    buf[19] = 0;
  }
  buf.set(payload, headerLen);
  return buf;
}

/** RTP vs RTCP on a muxed port (RFC 5761): RTCP packet types 192..223 sit in byte 1. */
export function isRtcp(packet: Uint8Array): boolean {
  if (packet.length < 8) return false;
  const pt = packet[1]!;
  return pt >= 192 && pt <= 223;
}

/**
 * SSRC of an RTP or SRTP packet (SRTP encrypts only the payload, the header stays readable).
 * Returns undefined for RTCP and runts.
 */
export function readRtpSsrc(packet: Uint8Array): number | undefined {
  if (packet.length < 12 || (packet[0]! & 0xc0) !== 0x80 || isRtcp(packet)) return undefined;
  return ((packet[8]! << 24) | (packet[9]! << 16) | (packet[10]! << 8) | packet[11]!) >>> 0;
}

/** True when a (compound) RTCP packet asks for a key frame: PSFB PLI (fmt 1) or FIR (fmt 4). */
export function rtcpRequestsKeyFrame(packet: Uint8Array): boolean {
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const fmt = packet[offset]! & 0x1f;
    const pt = packet[offset + 1]!;
    const words = (packet[offset + 2]! << 8) | packet[offset + 3]!;
    if (pt === 206 && (fmt === 1 || fmt === 4)) return true;
    offset += (words + 1) * 4;
  }
  return false;
}

/**
 * A VP8 RTP payload: descriptor with X=1, I=1 and a 15-bit picture id (mediasoup's VP8 parser
 * needs the extended form), then `size` bytes whose first byte marks key frame or not.
 */
export function vp8Payload(
  size: number,
  o: { start: boolean; keyFrame: boolean; pictureId: number },
): Uint8Array {
  const p = new Uint8Array(Math.max(size, 16));
  p[0] = 0x80 | (o.start ? 0x10 : 0); // X, S, partition 0
  p[1] = 0x80; // I: picture id present
  p[2] = 0x80 | ((o.pictureId >> 8) & 0x7f); // M: 15-bit picture id
  p[3] = o.pictureId & 0xff;
  // VP8 payload header: bit 0 of the first byte is the inverse key-frame flag.
  p[4] = o.keyFrame ? 0x10 : 0x11;
  if (o.keyFrame) {
    // Key-frame start code and a 640x360 size, as a real encoder writes them.
    p.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01], 7);
  }
  return p;
}

/** An opus-like payload: a TOC byte for a 20 ms SILK frame and filler. */
export function opusPayload(size: number): Uint8Array {
  const p = new Uint8Array(Math.max(size, 2));
  p[0] = 0x08;
  return p;
}
