import { describe, expect, it } from 'vitest';
import { deviceLabel } from './device';

describe('deviceLabel', () => {
  it('names the browser, its major version and the system', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 156 · Windows 10');
    expect(
      deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'),
    ).toBe('Firefox 140 · Linux');
  });
  it('falls back to the raw text, or "?" when there is none', () => {
    expect(deviceLabel('')).toBe('?');
    expect(deviceLabel('node-socketio-bench')).toBe('node-socketio-bench');
  });
});
