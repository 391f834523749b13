import { act, cleanup, render } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useVisibleTiles } from './useVisibleTiles';

/** A controllable IntersectionObserver: the test says which elements are on screen. */
class FakeIO {
  static instances: FakeIO[] = [];
  readonly observed = new Set<Element>();
  constructor(readonly cb: IntersectionObserverCallback) {
    FakeIO.instances.push(this);
  }
  observe(el: Element) {
    this.observed.add(el);
  }
  unobserve(el: Element) {
    this.observed.delete(el);
  }
  disconnect() {
    this.observed.clear();
  }
  show(ids: string[]) {
    const entries = [...this.observed].map((target) => ({
      target,
      isIntersecting: ids.includes((target as HTMLElement).dataset.siteId ?? ''),
    }));
    this.cb(
      entries as unknown as IntersectionObserverEntry[],
      this as unknown as IntersectionObserver,
    );
  }
}

function Grid({ onChange }: { onChange: (ids: Set<string>) => void }) {
  const [page, setPage] = useState(0);
  const observe = useVisibleTiles(onChange);
  const ids = page === 0 ? ['a', 'b', 'c'] : ['d', 'e'];
  return (
    <>
      <button type="button" onClick={() => setPage(1 - page)}>
        flip
      </button>
      <ul>
        {ids.map((id) => (
          <li key={id} ref={observe} data-site-id={id}>
            {id}
          </li>
        ))}
      </ul>
    </>
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeIO.instances = [];
  vi.stubGlobal('IntersectionObserver', FakeIO);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('useVisibleTiles', { timeout: 30_000 }, () => {
  it('reports the tiles on screen, and drops tiles that leave the page', () => {
    const onChange = vi.fn();
    const { getByText } = render(<Grid onChange={onChange} />);
    const io = FakeIO.instances[0]!;
    // Tiles are observed from their first commit (before any effect ran).
    expect(io.observed.size).toBe(3);
    act(() => io.show(['a', 'b']));
    act(() => vi.advanceTimersByTime(200));
    expect(onChange).toHaveBeenLastCalledWith(new Set(['a', 'b']));
    act(() => getByText('flip').click());
    expect([...io.observed].map((e) => (e as HTMLElement).dataset.siteId).sort()).toEqual([
      'd',
      'e',
    ]);
    act(() => vi.advanceTimersByTime(200));
    expect(onChange).toHaveBeenLastCalledWith(new Set());
    act(() => io.show(['e']));
    act(() => vi.advanceTimersByTime(200));
    expect(onChange).toHaveBeenLastCalledWith(new Set(['e']));
  });
});
