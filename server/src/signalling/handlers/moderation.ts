import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid, siteOf } from './context';

export function moderationHandlers(
  d: HandlerDeps,
): HandlerTable<
  | 'moderation:mute'
  | 'moderation:muteAll'
  | 'moderation:askUnmute'
  | 'mic:acceptUnmute'
  | 'moderation:remove'
  | 'moderation:lock'
  | 'recording:set'
> {
  const m = d.meetings;
  return {
    'moderation:mute': async (s, p) => {
      await m.mute(mid(s), actor(s), p.siteId);
      return null;
    },
    'moderation:muteAll': async (s) => {
      await m.mute(mid(s), actor(s), null);
      const muted = await m.peek(mid(s), (pr) => pr.presenceCounts().connected);
      return { muted };
    },
    'moderation:askUnmute': async (s, p) => {
      await m.askUnmute(mid(s), actor(s), p.siteId);
      return null;
    },
    'mic:acceptUnmute': (s) => m.acceptUnmute(mid(s), actor(s), siteOf(s)),
    'moderation:remove': async (s, p) => {
      await m.remove(mid(s), actor(s), p.siteId, p.reason);
      return null;
    },
    'moderation:lock': (s, p) => m.lock(mid(s), actor(s), p.locked),
    'recording:set': (s, p) => m.setRecording(mid(s), actor(s), p.on),
  };
}
