// Random briefings through real sockets, a real mediasoup worker and a real redis-server: the
// same steps and invariants as the domain-level suite (tests/property), fewer sequences. The hub
// is quiet a moment after each step; an invariant is checked until it holds or 3 s have passed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { RealWorld } from '../harness/briefingWorld';
import { briefingArb, runStep, violations } from '../property/briefingModel';

const RUNS = Number(process.env.PROPERTY_REAL_RUNS ?? 12);
// The seed is printed so a failing run can be replayed (PROPERTY_SEED=<seed>).
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
const fx = useBriefingHub({ seed: { maxSites: 6, siteAccounts: 0 }, media: true });

/**
 * The invariants once the hub is quiet. A snapshot is compared once (asking for it replaces the
 * tab's state); the others are looked at again until they hold or 3 s have passed.
 */
async function quietViolations(world: RealWorld): Promise<string[]> {
  const first = violations(await world.observe());
  const until = Date.now() + 3_000;
  let failed = first;
  while (failed.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    failed = violations(await world.observe({ snapshots: false }));
  }
  const snapshot = first.filter((v) => v.includes('pushes built'));
  return [...snapshot, ...failed];
}

describe('random briefings keep the invariants (real sockets, worker and Redis)', () => {
  it(`holds after every step of ${RUNS} random briefings`, async () => {
    const started = performance.now();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(briefingArb(16, true), async (briefing) => {
        const world = await RealWorld.start(fx);
        try {
          for (const [i, step] of briefing.entries()) {
            steps++;
            await runStep(world, step);
            const failed = await quietViolations(world);
            if (failed.length)
              throw new Error(`step ${i} (${JSON.stringify(step)}): ${failed.join(' | ')}`);
          }
        } finally {
          await world.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true, seed: SEED },
    );
    const s = (performance.now() - started) / 1000;
    console.log(
      `property (real): ${RUNS} briefings (seed ${SEED}), ${steps} steps in ${s.toFixed(1)} s`,
    );
    expect(steps).toBeGreaterThanOrEqual(RUNS);
  }, 900_000);
});
