import { describe, expect, it } from 'vitest';
import { inviteTokenFrom } from '../screens/SignIn';
import { parseRoute, routePath } from './useRoute';

describe('routes', () => {
  it('parses invitation links in both forms', () => {
    expect(parseRoute('/join/abc.def', '')).toEqual({ name: 'join', token: 'abc.def' });
    expect(parseRoute('/', '?invite=tok')).toEqual({ name: 'join', token: 'tok' });
    expect(inviteTokenFrom('http://hub.local/join/eyJ.x.y')).toBe('eyJ.x.y');
    expect(inviteTokenFrom(' https://hub.local/?invite=t0k ')).toBe('t0k');
    expect(inviteTokenFrom('bare-token')).toBe('bare-token');
  });

  it('round-trips meeting, print and admin routes', () => {
    for (const r of [
      { name: 'meeting', meetingId: 'mtg_1' },
      { name: 'print', meetingId: 'mtg_1' },
      { name: 'admin' },
      { name: 'home' },
    ] as const) {
      expect(parseRoute(routePath(r), '')).toEqual(r);
    }
    expect(parseRoute('/login', '')).toEqual({ name: 'home' });
  });
});
