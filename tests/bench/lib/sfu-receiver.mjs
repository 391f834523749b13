// The receiving side of bench:sfu, as a child process (its CPU and its sleeps are its own,
// never the worker's or the bench's): one UDP socket on 127.0.0.1 that
//   - counts RTP/SRTP packets per SSRC (SRTP leaves the header readable), and
//   - answers each worker transport it hears from with transport-cc feedback, as a browser
//     does: every FEEDBACK_MS, one RTPFB/15 packet (draft-holmer-rmcat-transport-wide-cc-
//     extensions-01) listing the transport-wide sequence numbers that arrived and their arrival
//     times, SRTCP-protected with that transport's key (werift's SrtcpSession). Without it the
//     worker's send-side congestion controller keeps every packet it sent in its history.
// It also reports its own sleeps: /proc/self/status voluntary_ctxt_switches of this (the main,
// the only polling) thread. Each sleep is ended by one wake-up, and on loopback the wake-up by
// a datagram is paid in the sender's (the worker's) syscall context.
// Plain JS: runs under the bare node binary. IPC (process.send) with the bench.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  SrtcpSession,
} from 'werift';

const FEEDBACK_MS = 50;
const recvBufferSize = Number(process.env.SFU_RECEIVER_RCVBUF ?? 64 * 1024 * 1024);
/** @type {Map<number, number>} */
const counts = new Map();
/**
 * Worker transports by their source port.
 * @type {Map<number, {srtcp: SrtcpSession | null, extId: number, mediaSsrc: number,
 *   seqs: number[], times: number[], fbCount: number}>}
 */
const transports = new Map();
const stats = { feedbackPackets: 0, feedbackReported: 0 };
const SENDER_SSRC = 0x5eed0001;

const PROFILES = {
  AES_CM_128_HMAC_SHA1_80: {
    profile: ProtectionProfileAes128CmHmacSha1_80,
    keyLen: 16,
    saltLen: 14,
  },
  AEAD_AES_128_GCM: { profile: ProtectionProfileAeadAes128Gcm, keyLen: 16, saltLen: 12 },
};

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize });

/** The transport-wide sequence number in a one-byte-header extension block, or -1. */
function transportSeq(m, extId) {
  if ((m[0] & 0x10) === 0) return -1;
  const off = 12 + 4 * (m[0] & 0x0f);
  if (m.length < off + 4 || m.readUInt16BE(off) !== 0xbede) return -1;
  const end = off + 4 + 4 * m.readUInt16BE(off + 2);
  let p = off + 4;
  while (p < end && p < m.length) {
    const b = m[p];
    if (b === 0) {
      p++;
      continue;
    }
    const id = b >> 4;
    const len = (b & 0x0f) + 1;
    if (id === 15) return -1;
    if (id === extId && len === 2) return m.readUInt16BE(p + 1);
    p += 1 + len;
  }
  return -1;
}

socket.on('message', (m, rinfo) => {
  if (m.length < 12 || (m[0] & 0xc0) !== 0x80) return;
  const pt = m[1];
  if (pt >= 192 && pt <= 223) return; // RTCP (SRTCP) on the muxed port
  const ssrc = m.readUInt32BE(8);
  counts.set(ssrc, (counts.get(ssrc) ?? 0) + 1);
  const t = transports.get(rinfo.port);
  if (!t) return;
  const seq = transportSeq(m, t.extId);
  if (seq < 0) return;
  t.seqs.push(seq);
  t.times.push(performance.now() * 1000);
});

/**
 * One transport-cc feedback packet (RTPFB, FMT 15) for the packets in seqs/times (arrival µs),
 * run-length chunks only, deltas in 250 µs ticks, padded to 32 bits with the P bit.
 */
function buildFeedback(seqs, times, mediaSsrc, fbCount) {
  const first = seqs[0];
  const arrival = new Map();
  let min = 0;
  let max = 0;
  for (let i = 0; i < seqs.length; i++) {
    const off = ((seqs[i] - first + 0x8000) & 0xffff) - 0x8000;
    if (off < min) min = off;
    if (off > max) max = off;
    if (!arrival.has(off)) arrival.set(off, times[i]);
  }
  const count = max - min + 1;
  if (count > 0x1fff) return null; // a gap this wide is not a feedback window
  const base = (first + min) & 0xffff;
  const refTime = Math.floor(arrival.get(min) / 64000);
  let prevTicks = refTime * 256; // 64 ms = 256 ticks of 250 µs
  const statuses = new Array(count);
  const deltas = [];
  for (let k = 0; k < count; k++) {
    const t = arrival.get(min + k);
    if (t === undefined) {
      statuses[k] = 0;
      continue;
    }
    const ticks = Math.round(t / 250);
    let d = ticks - prevTicks;
    if (d >= 0 && d <= 255) statuses[k] = 1;
    else {
      statuses[k] = 2;
      d = Math.max(-32768, Math.min(32767, d));
    }
    prevTicks += d;
    deltas.push(d, statuses[k]);
  }
  const chunks = [];
  for (let k = 0; k < count; ) {
    let run = 1;
    while (k + run < count && statuses[k + run] === statuses[k] && run < 0x1fff) run++;
    chunks.push((statuses[k] << 13) | run);
    k += run;
  }
  let deltaBytes = 0;
  for (let i = 1; i < deltas.length; i += 2) deltaBytes += deltas[i] === 1 ? 1 : 2;
  const unpadded = 20 + 2 * chunks.length + deltaBytes;
  const pad = (4 - (unpadded % 4)) % 4;
  const buf = Buffer.alloc(unpadded + pad);
  buf[0] = 0x80 | (pad ? 0x20 : 0) | 15;
  buf[1] = 205;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
  buf.writeUInt32BE(SENDER_SSRC, 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, 8);
  buf.writeUInt16BE(base, 12);
  buf.writeUInt16BE(count, 14);
  buf.writeUIntBE(refTime & 0xffffff, 16, 3);
  buf[19] = fbCount & 0xff;
  let p = 20;
  for (const c of chunks) {
    buf.writeUInt16BE(c, p);
    p += 2;
  }
  for (let i = 0; i < deltas.length; i += 2) {
    if (deltas[i + 1] === 1) buf[p++] = deltas[i];
    else {
      buf.writeInt16BE(deltas[i], p);
      p += 2;
    }
  }
  if (pad) buf[buf.length - 1] = pad;
  return { packet: buf, reported: arrival.size };
}

const feedbackTimer = setInterval(() => {
  for (const [port, t] of transports) {
    if (t.seqs.length === 0) continue;
    const fb = buildFeedback(t.seqs, t.times, t.mediaSsrc, t.fbCount);
    t.seqs = [];
    t.times = [];
    if (!fb) continue;
    t.fbCount = (t.fbCount + 1) & 0xff;
    const out = t.srtcp ? t.srtcp.encrypt(fb.packet) : fb.packet;
    socket.send(out, port, '127.0.0.1');
    stats.feedbackPackets++;
    stats.feedbackReported += fb.reported;
  }
}, FEEDBACK_MS);

function sleeps() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) : null;
}

socket.bind(0, '127.0.0.1', () => {
  process.send({
    type: 'ready',
    port: socket.address().port,
    recvBufferSize: socket.getRecvBufferSize(),
  });
});

process.on('message', (msg) => {
  if (msg.type === 'transport') {
    let srtcp = null;
    if (msg.cryptoSuite) {
      const p = PROFILES[msg.cryptoSuite];
      if (!p) {
        process.send({ type: 'error', message: `no SRTCP for ${msg.cryptoSuite} in werift` });
        return;
      }
      const key = Buffer.from(msg.keyBase64, 'base64');
      const masterKey = key.subarray(0, p.keyLen);
      const masterSalt = key.subarray(p.keyLen, p.keyLen + p.saltLen);
      srtcp = new SrtcpSession({
        keys: {
          localMasterKey: masterKey,
          localMasterSalt: masterSalt,
          remoteMasterKey: masterKey,
          remoteMasterSalt: masterSalt,
        },
        profile: p.profile,
      });
    }
    transports.set(msg.port, {
      srtcp,
      extId: msg.extId,
      mediaSsrc: msg.mediaSsrc,
      seqs: [],
      times: [],
      fbCount: 0,
    });
    process.send({ type: 'transport', id: msg.id });
  } else if (msg.type === 'snapshot') {
    process.send({
      type: 'snapshot',
      id: msg.id,
      counts: [...counts],
      sleeps: sleeps(),
      cpuUs: process.cpuUsage(),
      ...stats,
    });
  } else if (msg.type === 'close') {
    clearInterval(feedbackTimer);
    socket.close(() => process.exit(0));
  }
});
