// Join → first decoded chair frame, measured in Debian's Chromium against the real hub (real
// mediasoup worker, real redis-server), over UDP and over TCP only; and the production bundle's
// first-load gzip size.
//
//   node --import tsx tests/bench/client-join.ts [--json] [--runs N] [--no-tcp]
//
// Run it inside a loopback-only namespace like the tests do:
//   unshare -n bash -c 'ip link set lo up && node --import tsx tests/bench/client-join.ts'
//
// Each run is a fresh browser (fresh profile) opening its invitation link, waiting in the lobby
// until the Join control is enabled, then clicking it; the timer runs in the page, from the
// click event to the first inbound video whose framesDecoded > 0 (getStats polled every 10 ms).
// The chair is already in the meeting, publishing its fake camera at 30 fps.
import { armJoinTimer, launchParticipant, readJoinTiming } from '../harness/browser.js';
import { ensureClientBuilt, firstLoadBundle } from '../harness/browser-client-build.js';
import {
  joinFromLobby,
  openInvitation,
  signInAndEnterMeeting,
  TID,
} from '../harness/browser-flows.js';
import { seedBriefing, startE2EHub } from '../harness/browser-hub.js';

interface Args {
  json: boolean;
  runs: number;
  tcp: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, runs: 5, tcp: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--no-tcp') args.tcp = false;
    else if (a === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error('--runs expects 1..100');
      args.runs = n;
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

interface Series {
  transport: 'udp' | 'tcp';
  runs: number[];
  p50: number;
  max: number;
  min: number;
  /** Click → first inbound video packet, per run (the rest is the key-frame wait + decode). */
  firstPacket: Array<number | null>;
  /** Protocol of the selected ICE pair, as the browser reported it, per run. */
  protocols: Array<string | null>;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => {
    if (!args.json) process.stderr.write(`${s}\n`);
  };
  await ensureClientBuilt(log);
  const bundle = firstLoadBundle();

  const hub = await startE2EHub({ proxies: 0, log });
  const series: Series[] = [];
  try {
    const seed = await seedBriefing(hub, { sites: 1 });
    const site = seed.sites[0]!;
    const chair = await launchParticipant({ label: 'bench-chair', fps: 30, origin: hub.origin });
    try {
      await signInAndEnterMeeting(chair.page, hub.origin, seed.chair, seed.meetingId);
      await joinFromLobby(chair.page, 'chair');
      await hub.startSession(seed.meetingId);

      const modes: Array<'udp' | 'tcp'> = args.tcp ? ['udp', 'tcp'] : ['udp'];
      for (const mode of modes) {
        const s: Series = {
          transport: mode,
          runs: [],
          p50: 0,
          max: 0,
          min: 0,
          firstPacket: [],
          protocols: [],
        };
        for (let run = 0; run < args.runs; run++) {
          // A fresh invitation per run: each join is a first join, as for a ward at 8:00.
          const token = await hub.invite(seed.meetingId, site.siteId);
          const browser = await launchParticipant({
            label: `bench-site-${mode}-${run}`,
            origin: hub.origin,
            mediaTransport: mode === 'tcp' ? 'tcp' : 'any',
          });
          try {
            await openInvitation(browser.page, hub.origin, token);
            await armJoinTimer(browser.page, `[data-testid="${TID.lobbyJoin}"]`);
            await joinFromLobby(browser.page, 'site');
            const timing = await readJoinTiming(browser.page, 30_000);
            s.runs.push(Math.round(timing.ms));
            s.protocols.push(timing.protocol);
            s.firstPacket.push(
              timing.firstPacketMs === null ? null : Math.round(timing.firstPacketMs),
            );
            log(
              `${mode} run ${run + 1}: ${timing.ms.toFixed(0)} ms (first packet ${timing.firstPacketMs?.toFixed(0) ?? '-'} ms, ${timing.protocol})`,
            );
          } finally {
            await browser.close();
          }
        }
        const sorted = [...s.runs].sort((a, b) => a - b);
        s.p50 = percentile(sorted, 50);
        s.max = sorted[sorted.length - 1]!;
        s.min = sorted[0]!;
        series.push(s);
      }
    } finally {
      await chair.close();
    }
  } finally {
    await hub.stop();
  }

  const result = {
    bench: 'client-join',
    at: new Date().toISOString(),
    chromium: hub.chromiumVersion,
    targetMs: 500,
    joinToFirstFrame: series,
    bundle: {
      targetGzipBytes: 400 * 1024,
      firstLoadGzipBytes: bundle.gzipBytes,
      firstLoadBytes: bundle.bytes,
      files: bundle.files,
    },
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log('\njoin click → first decoded chair frame (ms)');
  console.table(
    series.map((s) => ({
      transport: s.transport,
      runs: s.runs.length,
      p50: s.p50,
      min: s.min,
      max: s.max,
      'under 500 ms': s.max < 500 ? 'yes' : `no (p50 ${s.p50 < 500 ? 'yes' : 'no'})`,
      selected: [...new Set(s.protocols)].join(','),
      samples: s.runs.join(' '),
      'first packet': s.firstPacket.join(' '),
    })),
  );
  console.log('\nproduction bundle, first load (index.html → scripts, modulepreloads, styles)');
  console.table(
    bundle.files.map((f) => ({
      file: f.file,
      kind: f.kind,
      raw: kb(f.bytes),
      gzip: kb(f.gzipBytes),
    })),
  );
  console.log(
    `first-load total: ${kb(bundle.bytes)} raw, ${kb(bundle.gzipBytes)} gzip -9 (target < 400 kB: ${bundle.gzipBytes < 400 * 1024 ? 'yes' : 'no'})`,
  );
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
