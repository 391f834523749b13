import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildNack,
  buildRtp,
  buildSenderReport,
  isVp8KeyFrameStart,
  ntpFromUnixMs,
  packetizeVp8,
  parseNack,
  parseRtp,
  rtcpPackets,
} from './rtp';

describe('recorder RTP helpers', () => {
  it('NACK carries exactly the asked sequence numbers, across the 16-bit wrap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 }),
        (start, offsets) => {
          const seqs = offsets.map((o) => (start + o) & 0xffff);
          const nack = parseNack(buildNack(1, 2, seqs))!;
          expect(nack.mediaSsrc).toBe(2);
          expect(new Set(nack.seqs)).toEqual(new Set(seqs));
          expect(nack.seqs.length).toBe(seqs.length);
        },
      ),
    );
  });

  it('parses a header with CSRCs, a header extension and padding down to the payload', () => {
    const payload = Uint8Array.of(1, 2, 3, 4, 5);
    const base = buildRtp(
      { marker: true, payloadType: 101, sequenceNumber: 65535, timestamp: 0xfffffffe, ssrc: 77 },
      payload,
    );
    // Re-assemble with one CSRC, a one-word extension and 3 bytes of padding.
    const buf = Buffer.concat([
      base.subarray(0, 12),
      Buffer.from([0, 0, 0, 9]),
      Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]),
      Buffer.from(payload),
      Buffer.from([0, 0, 3]),
    ]);
    buf[0] = 0x80 | 0x20 | 0x10 | 1;
    const p = parseRtp(buf)!;
    expect(p).toMatchObject({ marker: true, payloadType: 101, sequenceNumber: 65535, ssrc: 77 });
    expect(p.timestamp).toBe(0xfffffffe);
    expect([...p.payload]).toEqual([...payload]);
    expect(parseRtp(buf.subarray(0, 11))).toBeUndefined();
  });

  it('sender report: NTP of the Unix instant and the RTP timestamp', () => {
    const sr = buildSenderReport({
      ssrc: 5,
      unixMs: 1500,
      rtpTimestamp: 90000,
      packets: 3,
      octets: 4,
    });
    const [packet] = [...rtcpPackets(sr)];
    expect(packet!.type).toBe(200);
    expect(sr.readUInt32BE(8)).toBe(2_208_988_801);
    expect(sr.readUInt32BE(12)).toBe(ntpFromUnixMs(1500).fraction);
    expect(ntpFromUnixMs(1500).fraction).toBe(0x80000000);
    expect(sr.readUInt32BE(16)).toBe(90000);
  });

  it('VP8: key-frame start detection with the extended descriptor, packetizing a frame', () => {
    // X=1 S=1 PID=0; I=1 with a 15-bit picture id; then a key-frame tag (P=0).
    expect(isVp8KeyFrameStart(Uint8Array.of(0x90, 0x80, 0x81, 0x23, 0x50))).toBe(true);
    expect(isVp8KeyFrameStart(Uint8Array.of(0x90, 0x80, 0x81, 0x23, 0x51))).toBe(false);
    expect(isVp8KeyFrameStart(Uint8Array.of(0x80, 0x80, 0x81, 0x23, 0x50))).toBe(false); // S=0
    expect(isVp8KeyFrameStart(Uint8Array.of(0x10, 0x50))).toBe(true);
    const frame = new Uint8Array(2500).fill(7);
    frame[0] = 0x50;
    const parts = packetizeVp8(frame, 1000);
    expect(parts.map((p) => p.length)).toEqual([1001, 1001, 501]);
    expect(isVp8KeyFrameStart(parts[0]!)).toBe(true);
    expect(parts[1]![0]).toBe(0);
  });
});
