// Worker thread of bench:join (plain JS so it loads without a TypeScript loader): drives a slice
// of the simulated sites so the client side is not one single-threaded bottleneck.
// workerData { url, meetingId, tokens, offsetsMs }; posts { type: 'ready' }, waits for { epoch },
// posts { type: 'joined', latencies, failed, doneAt } once its sites have joined; answers roll-calls by itself; 'close' closes its sockets.
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';

const input = workerData;
const sockets = [];
const latencies = [];
let failed = 0;

function joinOne(i) {
  return new Promise((resolve) => {
    const start = performance.now();
    const s = io(input.url, {
      auth: { token: input.tokens[i] },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(s);
    s.on('rollcall:started', (rc) => {
      s.emit('rollcall:answer', { rollCallId: rc.id, headcount: 5 + (i % 20) }, () => {});
    });
    s.once('connect_error', () => {
      failed++;
      resolve();
    });
    s.once('connect', () => {
      s.emit('meeting:join', { meetingId: input.meetingId }, (r) => {
        if (r.ok) latencies.push(performance.now() - start);
        else failed++;
        resolve();
      });
    });
  });
}

// Tell the main thread we are loaded, then wait for the common start instant.
parentPort.postMessage({ type: 'ready' });
const epoch = await new Promise((resolve) => {
  parentPort.once('message', (m) => resolve(m.epoch));
});
await Promise.all(
  input.offsetsMs.map(
    (off, i) =>
      new Promise((resolve) => {
        setTimeout(() => joinOne(i).then(resolve), Math.max(0, epoch + off - Date.now()));
      }),
  ),
);
parentPort.postMessage({ type: 'joined', latencies, failed, doneAt: Date.now() });
parentPort.on('message', (m) => {
  if (m === 'close') {
    for (const s of sockets) s.close();
  }
});
