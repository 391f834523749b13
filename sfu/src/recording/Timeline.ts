/**
 * The wall clock every slot of one recorder port maps its RTP timestamps to. Sender reports to
 * the recorder say "timestamp tsAt(now) is unixMs(now)" for every slot, so the recorder lines the
 * slots up on one time axis however many sources each slot went through.
 */
export class Timeline {
  readonly epochMono: number;
  readonly epochUnixMs: number;

  constructor(nowMono: number, nowUnixMs: number) {
    this.epochMono = nowMono;
    this.epochUnixMs = nowUnixMs;
  }

  unixMs(mono: number): number {
    return this.epochUnixMs + (mono - this.epochMono);
  }

  /** The RTP timestamp of instant `mono` in a stream of `clockRate` whose epoch value is `base`. */
  ts(mono: number, clockRate: number, base: number): number {
    return (base + Math.round(((mono - this.epochMono) * clockRate) / 1000)) >>> 0;
  }
}

/** Signed distance a - b between two 32-bit RTP timestamps. */
export function tsDiff(a: number, b: number): number {
  return ((a - b) | 0) as number;
}
