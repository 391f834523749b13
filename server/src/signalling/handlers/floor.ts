import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid, siteOf } from './context';

export function floorHandlers(
  d: HandlerDeps,
): HandlerTable<
  | 'floor:request'
  | 'floor:cancel'
  | 'floor:decline'
  | 'floor:reorder'
  | 'floor:grant'
  | 'floor:revoke'
  | 'floor:next'
  | 'floor:spotlight'
> {
  const m = d.meetings;
  return {
    'floor:request': (s, p) => m.floorRequest(mid(s), actor(s), siteOf(s), p.itemId),
    'floor:cancel': (s) => m.floorCancel(mid(s), actor(s), siteOf(s)),
    'floor:decline': (s, p) => m.floorDecline(mid(s), actor(s), p.siteId, p.reason),
    'floor:reorder': (s, p) => m.floorReorder(mid(s), actor(s), p.siteIds),
    'floor:grant': (s, p) => m.floorGrant(mid(s), actor(s), p.siteId, p.limitSeconds),
    'floor:revoke': (s) => m.floorRevoke(mid(s), actor(s)),
    'floor:next': (s) => m.floorNext(mid(s), actor(s)),
    'floor:spotlight': (s, p) => m.floorSpotlight(mid(s), actor(s), p.spotlight),
  };
}
