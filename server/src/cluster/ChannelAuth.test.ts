import { describe, expect, it } from 'vitest';
import { ChannelAuth, ChannelAuthError, H } from './ChannelAuth';

const SECRET = 'cluster-secret-for-tests-0123456789abcdef';

function pair(now = () => 1_000_000) {
  return {
    a: new ChannelAuth(SECRET, 'node-a', { now }),
    b: new ChannelAuth(SECRET, 'node-b', { now }),
  };
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChannelAuthError);
    return (e as ChannelAuthError).reason;
  }
  throw new Error('expected a refusal');
}

describe('ChannelAuth', () => {
  it('accepts a signed request once and names its sender', () => {
    const { a, b } = pair();
    const body = JSON.stringify({ method: 'pipe.open', params: { meetingId: 'm1' } });
    const h = a.sign('node-b', 'POST', '/v1/call', body);
    expect(b.verify(h, 'POST', '/v1/call', body)).toEqual({ from: 'node-a', nonce: h[H.nonce] });
    expect(reason(() => b.verify(h, 'POST', '/v1/call', body))).toBe('replayed');
  });

  it('refuses an altered body, path, method, sender or target', () => {
    const { a, b } = pair();
    const body = '{"method":"pipe.send","params":{"meetingId":"m1","producerId":"p"}}';
    const h = a.sign('node-b', 'POST', '/v1/call', body);
    expect(reason(() => b.verify(h, 'POST', '/v1/call', body.replace('m1', 'm2')))).toBe(
      'bad signature',
    );
    expect(reason(() => b.verify(h, 'POST', '/v1/watch', body))).toBe('bad signature');
    expect(reason(() => b.verify(h, 'GET', '/v1/call', body))).toBe('bad signature');
    expect(reason(() => b.verify({ ...h, [H.from]: 'node-c' }, 'POST', '/v1/call', body))).toBe(
      'bad signature',
    );
    // Signed for B, replayed to C: C refuses (the target is signed too).
    const c = new ChannelAuth(SECRET, 'node-c', { now: () => 1_000_000 });
    expect(reason(() => c.verify(h, 'POST', '/v1/call', body))).toBe('addressed to node-b');
  });

  it('refuses another secret, no signature, malformed headers and stale timestamps', () => {
    let t = 1_000_000;
    const b = new ChannelAuth(SECRET, 'node-b', { now: () => t });
    const intruder = new ChannelAuth('another-secret-of-at-least-32-chars!!', 'node-a', {
      now: () => t,
    });
    const h = intruder.sign('node-b', 'POST', '/v1/call', '{}');
    expect(reason(() => b.verify(h, 'POST', '/v1/call', '{}'))).toBe('bad signature');
    expect(reason(() => b.verify({}, 'POST', '/v1/call', '{}'))).toBe('unsigned');
    expect(reason(() => b.verify({ ...h, [H.nonce]: 'x' }, 'POST', '/v1/call', '{}'))).toBe(
      'malformed signature headers',
    );
    const a = new ChannelAuth(SECRET, 'node-a', { now: () => t });
    const old = a.sign('node-b', 'POST', '/v1/call', '{}');
    t += 31_000;
    expect(reason(() => b.verify(old, 'POST', '/v1/call', '{}'))).toBe('stale timestamp');
  });

  it('signs responses and watch lines to the request nonce', () => {
    const { a, b } = pair();
    const h = a.sign('node-b', 'GET', '/v1/watch');
    const nonce = b.verify(h, 'GET', '/v1/watch').nonce;
    const sig = b.signResponse(nonce, 200, '{"ok":true}');
    expect(() => a.verifyResponse(nonce, 200, '{"ok":true}', sig)).not.toThrow();
    expect(() => a.verifyResponse(nonce, 200, '{"ok":false}', sig)).toThrow(ChannelAuthError);
    expect(() => a.verifyResponse('other-nonce', 200, '{"ok":true}', sig)).toThrow();
    expect(() => a.verifyResponse(nonce, 200, '{"ok":true}', null)).toThrow();
    const line = b.signLine(nonce, 3, '{"epoch":"e"}');
    expect(() => a.verifyLine(nonce, 3, '{"epoch":"e"}', line)).not.toThrow();
    expect(() => a.verifyLine(nonce, 4, '{"epoch":"e"}', line)).toThrow();
  });

  it('bounds the nonces it remembers', () => {
    const b = new ChannelAuth(SECRET, 'node-b', { now: () => 1_000_000, maxNonces: 3 });
    const a = new ChannelAuth(SECRET, 'node-a', { now: () => 1_000_000 });
    for (let i = 0; i < 3; i++)
      b.verify(a.sign('node-b', 'POST', '/v1/call', ''), 'POST', '/v1/call');
    expect(
      reason(() => b.verify(a.sign('node-b', 'POST', '/v1/call', ''), 'POST', '/v1/call')),
    ).toBe('too many requests');
  });
});
