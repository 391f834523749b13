// VP8 in RTP (RFC 7741) for the load sites: read ffmpeg's IVF output, packetise frames with a
// 15-bit PictureID as browsers do, and tell key frames on the receiving side without decoding.
import { readFileSync } from 'node:fs';

export interface Vp8Frame {
  data: Buffer;
  key: boolean;
}

/** Frames of an IVF file (32-byte file header, 12-byte frame headers). */
export function readIvf(path: string): Vp8Frame[] {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'DKIF') throw new Error(`${path} is not an IVF file`);
  const headerLen = buf.readUInt16LE(6);
  const frames: Vp8Frame[] = [];
  for (let off = headerLen; off + 12 <= buf.length; ) {
    const size = buf.readUInt32LE(off);
    const data = buf.subarray(off + 12, off + 12 + size);
    // VP8 frame tag: bit 0 of the first byte is 0 for a key frame.
    frames.push({ data, key: (data[0]! & 0x01) === 0 });
    off += 12 + size;
  }
  if (frames.length === 0 || !frames[0]!.key) throw new Error(`${path}: no leading key frame`);
  return frames;
}

/** Splits one frame into RTP payloads (descriptor X=1, I=1, M=1: 15-bit PictureID). */
export function packetizeVp8(frame: Buffer, pictureId: number, maxPayload = 1150): Buffer[] {
  const out: Buffer[] = [];
  const chunk = maxPayload - 4;
  for (let off = 0; off < frame.length; off += chunk) {
    const part = frame.subarray(off, Math.min(frame.length, off + chunk));
    const p = Buffer.allocUnsafe(4 + part.length);
    p[0] = 0x80 | (off === 0 ? 0x10 : 0); // X, S on the first packet, PID 0
    p[1] = 0x80; // I
    p[2] = 0x80 | ((pictureId >> 8) & 0x7f);
    p[3] = pictureId & 0xff;
    part.copy(p, 4);
    out.push(p);
  }
  return out;
}

/**
 * If this RTP payload starts a VP8 frame (S=1, PID=0), whether that frame is a key frame;
 * undefined for continuation packets.
 */
export function vp8StartsKeyFrame(payload: Buffer): boolean | undefined {
  if (payload.length < 2) return undefined;
  const b0 = payload[0]!;
  if ((b0 & 0x10) === 0 || (b0 & 0x07) !== 0) return undefined;
  let i = 1;
  if (b0 & 0x80) {
    const x = payload[i++]!;
    if (x & 0x80) i += payload[i]! & 0x80 ? 2 : 1; // PictureID
    if (x & 0x40) i++; // TL0PICIDX
    if (x & 0x30) i++; // TID / KEYIDX
  }
  if (i >= payload.length) return undefined;
  return (payload[i]! & 0x01) === 0;
}
