import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid } from './context';

export function meetingHandlers(
  d: HandlerDeps,
): HandlerTable<'meeting:join' | 'meeting:leave' | 'meeting:snapshot' | 'meeting:transition'> {
  return {
    'meeting:join': (s, p) => d.membership.join(s, p.meetingId, p.lobby ?? false),
    'meeting:leave': async (s) => {
      await d.membership.leave(s, 'left');
      return null;
    },
    'meeting:snapshot': (s) => d.membership.snapshot(s),
    'meeting:transition': (s, p) => d.meetings.transition(mid(s), actor(s), p.to),
  };
}
