// Opus packets out of ffmpeg's Ogg output (RFC 7845): the two header packets are skipped.
import { readFileSync } from 'node:fs';

export function readOggOpus(path: string): Buffer[] {
  const buf = readFileSync(path);
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let off = 0; off + 27 <= buf.length; ) {
    if (buf.toString('ascii', off, off + 4) !== 'OggS') throw new Error(`${path}: bad Ogg page`);
    const segments = buf[off + 26]!;
    const table = buf.subarray(off + 27, off + 27 + segments);
    let data = off + 27 + segments;
    for (const len of table) {
      pending.push(buf.subarray(data, data + len));
      data += len;
      if (len < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    off = data;
  }
  // OpusHead and OpusTags.
  return packets.filter((p) => !p.toString('ascii', 0, 8).startsWith('Opus'));
}
