import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';

type Events = { tick: [number]; done: [] };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EnhancedEventEmitter', () => {
  it('safeEmit runs every listener even when one throws, and reports the error', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const e = new EnhancedEventEmitter<Events>();
    const seen: number[] = [];
    e.on('tick', () => {
      throw new Error('bad listener');
    });
    e.on('tick', (n) => seen.push(n));
    expect(e.safeEmit('tick', 7)).toBe(true);
    expect(seen).toEqual([7]);
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(e.safeEmit('done')).toBe(false);
  });

  it('safeEmit honours once()', () => {
    const e = new EnhancedEventEmitter<Events>();
    let n = 0;
    e.once('done', () => n++);
    e.safeEmit('done');
    e.safeEmit('done');
    expect(n).toBe(1);
    expect(e.listenerCount('done')).toBe(0);
  });
});
