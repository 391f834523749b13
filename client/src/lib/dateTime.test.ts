import { describe, expect, it } from 'vitest';
import { dateTime } from './dateTime';

describe('dateTime', () => {
  it('writes Vietnamese time then dd/mm/yyyy', () => {
    const at = new Date(2026, 11, 3, 9, 5).getTime();
    expect(dateTime(at, 'vi')).toBe('09:05 03/12/2026');
  });
});
