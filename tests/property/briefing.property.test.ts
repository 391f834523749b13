// Random briefings through the real signalling server with fake edges (FakeIo, FakeSfu, fake
// timers): every role's commands in random order, the invariants checked after every step.
// The counter-examples fast-check found are named regressions in regressions.test.ts.

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { briefingArb } from './briefingModel';
import { type Directory, makeDirectory, runBriefing } from './domainWorld';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);
// The seed is printed so a failing run can be replayed (PROPERTY_SEED=<seed>).
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);

let dir: Directory;
beforeAll(async () => {
  dir = await makeDirectory();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('random briefings keep the invariants (domain level, fake edges)', () => {
  it(`holds after every step of ${RUNS} random briefings`, async () => {
    const started = performance.now();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        briefingArb(30),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        async (briefing, openMics) => {
          steps += briefing.length;
          const r = await runBriefing(dir, briefing, { openMics });
          if (r)
            throw new Error(
              `step ${r.step} (${JSON.stringify(briefing[r.step])}): ${r.failed.join(' | ')}`,
            );
        },
      ),
      { numRuns: RUNS, endOnFailure: false, seed: SEED },
    );
    const ms = performance.now() - started;
    console.log(
      `property: ${RUNS} briefings (seed ${SEED}), ${steps} steps in ${(ms / 1000).toFixed(1)} s`,
    );
    expect(steps).toBeGreaterThan(RUNS);
  }, 600_000);
});
