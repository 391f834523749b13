// Receiving side of the SFU benchmark, in its own thread so counting 100k+ packets/s neither
// delays the sender's pacing nor the mediasoup channel on the main thread. Plain JS: Node 20
// worker threads do not inherit tsx's loader hooks.
import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
const { recvBufferSize } = workerData;
/** @type {Map<number, number>} */
const counts = new Map();
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize });

socket.on('message', (m) => {
  if (m.length < 12 || (m[0] & 0xc0) !== 0x80) return;
  const pt = m[1];
  if (pt >= 192 && pt <= 223) return; // RTCP (SRTCP) on the muxed port
  // SRTP encrypts the payload only: the SSRC in the header is readable.
  const ssrc = m.readUInt32BE(8);
  counts.set(ssrc, (counts.get(ssrc) ?? 0) + 1);
});

socket.bind(0, '127.0.0.1', () => {
  port.postMessage({
    type: 'ready',
    port: socket.address().port,
    recvBufferSize: socket.getRecvBufferSize(),
  });
});

port.on('message', (msg) => {
  if (msg.type === 'snapshot') {
    port.postMessage({ type: 'snapshot', id: msg.id, counts: [...counts] });
  } else if (msg.type === 'close') {
    socket.close(() => port.close());
  }
});
