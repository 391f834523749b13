import { S2C_EVENTS } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { SERVER_EVENTS } from './serverEvents';

describe('server events', () => {
  it('lists exactly the contract’s server→client events', () => {
    expect([...SERVER_EVENTS].sort()).toEqual([...S2C_EVENTS].sort());
  });
});
