import type { FloorState } from '@giaoban/shared';
import { useMemo } from 'react';
import { moveInQueue, placeInQueue } from '../lib/floorQueue';
import { useMeeting } from './useMeeting';

/** Floor queue, holder and spotlight, with the actions of the current role. */
export function useFloor() {
  const { state, session } = useMeeting();
  const floor: FloorState = state?.floor ?? {
    holder: null,
    queue: [],
    spotlight: { kind: 'chair' },
    serverTime: new Date(0).toISOString(),
  };
  const mySiteId = state?.you.siteId ?? null;
  return useMemo(
    () => ({
      floor,
      holder: floor.holder,
      queue: floor.queue,
      /** The site on the big screen: explicit spotlight, else the holder. */
      spotlightSiteId:
        floor.spotlight.kind === 'site' ? floor.spotlight.siteId : (floor.holder?.siteId ?? null),
      /** Its name: sites have no list of the others, so the hub sends it with the floor. */
      spotlightName:
        floor.spotlight.kind === 'site'
          ? (floor.spotlightSiteName ??
            (floor.holder?.siteId === floor.spotlight.siteId ? floor.holder.siteName : null))
          : (floor.holder?.siteName ?? null),
      myPlace: mySiteId ? placeInQueue(floor.queue, mySiteId) : null,
      iHaveFloor: mySiteId !== null && floor.holder?.siteId === mySiteId,
      request: (itemId?: string) => session.act('floor:request', itemId ? { itemId } : {}),
      cancel: () => session.act('floor:cancel', {}),
      grant: (siteId: string) => session.act('floor:grant', { siteId }),
      /** The chair turns a request down; the site is told ("Chủ trì đã từ chối …"). */
      decline: (siteId: string) => session.act('floor:decline', { siteId }),
      revoke: () => session.act('floor:revoke', {}),
      next: () => session.act('floor:next', {}),
      move: async (siteId: string, delta: number) => {
        const order = moveInQueue(floor.queue, siteId, delta);
        if (order) await session.act('floor:reorder', { siteIds: order });
      },
      spotlight: (siteId: string | null) =>
        session.act('floor:spotlight', { spotlight: siteId ? { kind: 'site', siteId } : null }),
    }),
    [floor, mySiteId, session],
  );
}
