import { describe, expect, it } from 'vitest';
import { applyLayersWanted } from './dynacast';

/** An RTCRtpSender that keeps its parameters as a browser does (getParameters is a copy). */
function fakeSender(n: number) {
  let encodings = Array.from({ length: n }, (_, i) => ({ rid: `r${i}`, active: true }));
  const calls: boolean[][] = [];
  return {
    calls,
    getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }) as RTCRtpSendParameters,
    setParameters: async (p: RTCRtpSendParameters) => {
      encodings = p.encodings.map((e) => ({ rid: e.rid!, active: e.active ?? true }));
      calls.push(encodings.map((e) => e.active));
    },
  };
}

describe('applyLayersWanted (dynacast)', () => {
  it('switches the unwanted encodings off and back on, calling setParameters only on a change', async () => {
    const s = fakeSender(3);
    expect(await applyLayersWanted(s, [true, false, false])).toBe(true);
    expect(await applyLayersWanted(s, [true, false, false])).toBe(false);
    expect(await applyLayersWanted(s, [false, false, false])).toBe(true);
    expect(await applyLayersWanted(s, [true, true, true])).toBe(true);
    expect(s.calls).toEqual([
      [true, false, false],
      [false, false, false],
      [true, true, true],
    ]);
  });

  it('keeps layers the push does not name on (a one-layer screen share, a short list)', async () => {
    const s = fakeSender(3);
    await applyLayersWanted(s, [false]);
    expect(s.calls).toEqual([[false, true, true]]);
  });
});
