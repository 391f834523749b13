import { describe, expect, it } from 'vitest';
import { qualityLevel } from './quality';

describe('qualityLevel', () => {
  it('grades round trip and loss, and says unknown when nothing was measured', () => {
    expect(qualityLevel({ rttMs: null, lossPct: null })).toBe('unknown');
    expect(qualityLevel({ rttMs: 40, lossPct: 0 })).toBe('good');
    expect(qualityLevel({ rttMs: 40, lossPct: null })).toBe('good');
    expect(qualityLevel({ rttMs: 250, lossPct: 1 })).toBe('fair');
    expect(qualityLevel({ rttMs: 50, lossPct: 5 })).toBe('fair');
    expect(qualityLevel({ rttMs: 600, lossPct: 0 })).toBe('poor');
    expect(qualityLevel({ rttMs: 50, lossPct: 12 })).toBe('poor');
  });
});
