// A hub in its own process, for tests and the benchmark that need to kill it, measure it or run
// two of them. Env: the hub's own variables plus SEED_SITES (seed a demo meeting with that many
// sites; '0' = no seeding, 'all' = every ward of the country). Prints one JSON line on stdout:
// { url, pid, seed? } once listening.
import { createHub, loadConfig, seedDemo } from '@giaoban/server';

const config = loadConfig(process.env);
const hub = await createHub(config);
const { url } = await hub.listen();
const seedSites = process.env.SEED_SITES ?? '0';
let seed: unknown;
if (seedSites !== '0') {
  seed = await seedDemo(hub, {
    provinceCode: seedSites === 'all' ? '*' : (process.env.SEED_PROVINCE ?? '*'),
    ...(seedSites === 'all' ? {} : { maxSites: Number(seedSites) }),
    siteAccounts: 0,
  });
}
process.stdout.write(`${JSON.stringify({ url, pid: process.pid, seed })}\n`);
// Diagnosis requests on stdin (one JSON line each: { diag, meetingId, peerIds }), answered on
// stdout as { diag, peers: { peerId: MediaRoom.diagnose(peerId) } } (HubProcess.diagnose).
type Diagnosable = { diagnose?: (peerId: string) => Promise<unknown> };
let input = '';
process.stdin.on('data', (d: Buffer) => {
  input += d.toString();
  for (let nl = input.indexOf('\n'); nl >= 0; nl = input.indexOf('\n')) {
    const line = input.slice(0, nl);
    input = input.slice(nl + 1);
    void (async () => {
      const q = JSON.parse(line) as { diag: number; meetingId: string; peerIds: string[] };
      const room = hub.media?.getRoom(q.meetingId) as Diagnosable | undefined;
      const peers: Record<string, unknown> = {};
      for (const id of q.peerIds) {
        peers[id] = room?.diagnose ? await room.diagnose(id).catch((e: Error) => e.message) : null;
      }
      process.stdout.write(`${JSON.stringify({ diag: q.diag, peers })}\n`);
    })();
  }
});
const stop = () => {
  void hub.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
