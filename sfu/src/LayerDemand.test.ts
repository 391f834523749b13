import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerDemand } from './LayerDemand';

/** Timers run only when the test says so. */
function manualTimers() {
  let next = 0;
  const due = new Map<number, () => void>();
  return {
    setTimer: (fn: () => void) => {
      due.set(++next, fn);
      return next;
    },
    clearTimer: (t: unknown) => void due.delete(t as number),
    flush: () => {
      for (const [id, fn] of [...due]) {
        due.delete(id);
        fn();
      }
    },
    pending: () => due.size,
  };
}

function setup(offDelayMs = 1000) {
  const timers = manualTimers();
  const told = new Map<string, boolean[]>();
  const events: Array<[string, boolean[]]> = [];
  const d = new LayerDemand({
    offDelayMs,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    onChange: (id, layers) => {
      told.set(id, layers);
      events.push([id, layers]);
    },
  });
  return { d, timers, told, events };
}

describe('LayerDemand (dynacast)', () => {
  it('a new producer nobody watches is told, after the delay, to send nothing', () => {
    const { d, timers, events } = setup();
    d.addProducer('cam', 3);
    expect(events).toEqual([]); // senders start with every layer on
    timers.flush();
    expect(events).toEqual([['cam', [false, false, false]]]);
  });

  it("the chair's grid tile wants the low layer at once; the spotlight every layer up to the high", () => {
    const { d, timers, events } = setup();
    d.addProducer('cam', 3);
    timers.flush();
    d.addConsumer('tile', 'cam', { preferred: 0, paused: true });
    expect(events).toHaveLength(1); // paused consumers take nothing
    d.updateConsumer('tile', { paused: false });
    expect(events.at(-1)).toEqual(['cam', [true, false, false]]);
    d.addConsumer('spot', 'cam', { preferred: 2, paused: false });
    expect(events.at(-1)).toEqual(['cam', [true, true, true]]);
    expect(timers.pending()).toBe(0);
    d.removeConsumer('spot');
    expect(events.at(-1)).toEqual(['cam', [true, true, true]]); // fewer layers wait…
    timers.flush();
    expect(events.at(-1)).toEqual(['cam', [true, false, false]]); // …then go
  });

  it('paging away and back within the delay announces nothing', () => {
    const { d, timers, events } = setup();
    d.addProducer('cam', 3);
    d.addConsumer('tile', 'cam', { preferred: 0, paused: false });
    timers.flush();
    const n = events.length;
    d.updateConsumer('tile', { paused: true });
    d.updateConsumer('tile', { paused: false });
    timers.flush();
    expect(events).toHaveLength(n);
  });

  it('a producer piped to another host keeps every layer; consumers of unknown producers are ignored', () => {
    const { d, timers, told } = setup(0);
    d.addProducer('cam', 3);
    expect(told.get('cam')).toEqual([false, false, false]);
    d.setPipedOut('cam', true);
    expect(told.get('cam')).toEqual([true, true, true]);
    d.setPipedOut('cam', false);
    expect(told.get('cam')).toEqual([false, false, false]);
    d.addConsumer('x', 'audio', { preferred: 0, paused: false });
    expect(d.wanted('audio')).toBeUndefined();
    expect(timers.pending()).toBe(0);
  });

  it('clamps preferred layers to the producer and keeps them while paused', () => {
    const { d, told } = setup(0);
    d.addProducer('cam', 2);
    d.addConsumer('c', 'cam', { preferred: Number.POSITIVE_INFINITY, paused: false });
    expect(told.get('cam')).toEqual([true, true]);
    d.updateConsumer('c', { paused: true });
    expect(told.get('cam')).toEqual([false, false]);
    d.updateConsumer('c', { preferred: 7 });
    d.updateConsumer('c', { paused: false });
    expect(told.get('cam')).toEqual([true, true]);
  });

  // Random sequences of what rooms do (consume, resume, pause, prefer, close, pipe, time
  // passes): after every step the sender is never told fewer layers than someone takes (no tile
  // waits for a layer that is off), is told exactly what is taken once the delay passed, and
  // every layer below a wanted one is wanted.
  it('property: never fewer layers announced than taken; equal once the delay passes', () => {
    const producers = ['a', 'b'];
    const op = fc.oneof(
      fc.record({
        t: fc.constant('consume' as const),
        c: fc.integer({ min: 0, max: 5 }),
        p: fc.constantFrom(...producers),
        preferred: fc.integer({ min: 0, max: 4 }),
        paused: fc.boolean(),
      }),
      fc.record({
        t: fc.constant('update' as const),
        c: fc.integer({ min: 0, max: 5 }),
        preferred: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        paused: fc.option(fc.boolean(), { nil: undefined }),
      }),
      fc.record({ t: fc.constant('close' as const), c: fc.integer({ min: 0, max: 5 }) }),
      fc.record({
        t: fc.constant('pipe' as const),
        p: fc.constantFrom(...producers),
        on: fc.boolean(),
      }),
      fc.record({ t: fc.constant('time' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.boolean(), (ops, delayed) => {
        const { d, timers, told } = setup(delayed ? 500 : 0);
        d.addProducer('a', 3);
        d.addProducer('b', 1);
        const layers: Record<string, number> = { a: 3, b: 1 };
        // The model: consumer → { producer, preferred, paused }.
        const model = new Map<number, { p: string; preferred: number; paused: boolean }>();
        const piped = new Set<string>();
        const expected = (p: string) => {
          let top = piped.has(p) ? layers[p]! - 1 : -1;
          for (const c of model.values()) {
            if (c.p === p && !c.paused) top = Math.max(top, Math.min(c.preferred, layers[p]! - 1));
          }
          return Array.from({ length: layers[p]! }, (_, i) => i <= top);
        };
        for (const o of ops) {
          if (o.t === 'consume') {
            d.addConsumer(`c${o.c}`, o.p, { preferred: o.preferred, paused: o.paused });
            model.set(o.c, { p: o.p, preferred: o.preferred, paused: o.paused });
          } else if (o.t === 'update') {
            d.updateConsumer(`c${o.c}`, {
              ...(o.preferred !== undefined ? { preferred: o.preferred } : {}),
              ...(o.paused !== undefined ? { paused: o.paused } : {}),
            });
            const m = model.get(o.c);
            if (m) {
              if (o.preferred !== undefined) m.preferred = o.preferred;
              if (o.paused !== undefined) m.paused = o.paused;
            }
          } else if (o.t === 'close') {
            d.removeConsumer(`c${o.c}`);
            model.delete(o.c);
          } else if (o.t === 'pipe') {
            d.setPipedOut(o.p, o.on);
            if (o.on) piped.add(o.p);
            else piped.delete(o.p);
          } else {
            timers.flush();
          }
          for (const p of producers) {
            const want = expected(p);
            expect(d.wanted(p)).toEqual(want);
            const announced = told.get(p) ?? new Array(layers[p]).fill(true);
            expect(d.announced(p)).toEqual(announced);
            for (const [i, w] of want.entries()) if (w) expect(announced[i]).toBe(true);
            // Layers are wanted from the bottom up.
            expect(
              want.indexOf(false) === -1 || !want.slice(want.indexOf(false)).includes(true),
            ).toBe(true);
          }
        }
        timers.flush();
        for (const p of producers) expect(d.announced(p)).toEqual(expected(p));
      }),
      { numRuns: 300 },
    );
  });
});
