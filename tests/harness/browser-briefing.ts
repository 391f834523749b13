// The cast of a browser briefing e2e, set up once for every suite that needs one: the real hub
// (startE2EHub), a seeded briefing (seedBriefing), and one Debian Chromium each for the chair, the
// secretary and every ward site. Sites reach the hub through their own cuttable proxy when asked
// (so a test can cut one site's network), else straight at the hub's origin.
import { type BrowserParticipant, launchParticipant } from './browser.js';
import { type BriefingSeed, type E2EHub, seedBriefing, startE2EHub } from './browser-hub.js';

type Viewport = { width: number; height: number };

export interface E2EBriefingOptions {
  /** Ward sites in the meeting, each in its own browser. */
  sites: number;
  /** Each site browser goes through its own proxy (`hub.proxies[i]`). */
  proxies?: boolean;
  /** The rest of seedBriefing's options (absent sites, the meeting's state). */
  seed?: Omit<NonNullable<Parameters<typeof seedBriefing>[1]>, 'sites'>;
  /** Prefix of the browsers' labels (their log files): '' gives chair, secretary, site-1… */
  labelPrefix?: string;
  chairViewport?: Viewport;
  secretaryViewport?: Viewport;
}

export interface E2EBriefing {
  hub: E2EHub;
  seed: BriefingSeed;
  chair: BrowserParticipant;
  secretary: BrowserParticipant;
  sites: BrowserParticipant[];
  /** Every browser, chair and secretary first. */
  all(): BrowserParticipant[];
  /** Console tail of every browser, appended to a failing wait's message. */
  logs(lines?: number): string;
  /** Closes every browser, then the hub. */
  stop(): Promise<void>;
}

export async function startE2EBriefing(opts: E2EBriefingOptions): Promise<E2EBriefing> {
  const prefix = opts.labelPrefix ?? '';
  const hub = await startE2EHub(opts.proxies ? { proxies: opts.sites } : {});
  const started: BrowserParticipant[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((b) => b.close()));
    await hub.stop();
  };
  try {
    const seed = await seedBriefing(hub, { ...opts.seed, sites: opts.sites });
    // One browser process per participant, started together (they are independent). Every
    // browser that did start is closed again if another one failed to.
    const launched = await Promise.allSettled([
      launchParticipant({
        label: `${prefix}chair`,
        origin: hub.origin,
        viewport: opts.chairViewport ?? { width: 1600, height: 1000 },
      }),
      launchParticipant({
        label: `${prefix}secretary`,
        origin: hub.origin,
        viewport: opts.secretaryViewport ?? { width: 1500, height: 1000 },
      }),
      ...Array.from({ length: opts.sites }, (_, i) =>
        launchParticipant({
          label: `${prefix}site-${i + 1}`,
          origin: opts.proxies ? hub.proxies[i]!.origin : hub.origin,
        }),
      ),
    ]);
    for (const r of launched) if (r.status === 'fulfilled') started.push(r.value);
    const failed = launched.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [chair, secretary, ...sites] = started as [
      BrowserParticipant,
      BrowserParticipant,
      ...BrowserParticipant[],
    ];
    return {
      hub,
      seed,
      chair,
      secretary,
      sites,
      all: () => [...started],
      logs: (lines = 40) => started.map((b) => b.logText(lines)).join('\n'),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll().catch(() => {});
    throw e;
  }
}
