import type { ProducerInfo } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { type ConsumeContext, consumePlan, HIGH_LAYER, LOW_LAYER } from './consumePolicy';

const prod = (
  producerId: string,
  peerId: string,
  kind: 'audio' | 'video',
  source = kind === 'audio' ? 'mic' : 'camera',
  paused = false,
): ProducerInfo => ({
  producerId,
  peerId,
  kind,
  source,
  paused,
});

const producers: ProducerInfo[] = [
  prod('chair-a', 'user:chair1:s0', 'audio'),
  prod('chair-v', 'user:chair1:s0', 'video'),
  prod('s1-a', 'site:001:a', 'audio', 'mic', true),
  prod('s1-v', 'site:001:a', 'video'),
  prod('s2-a', 'site:002:b', 'audio', 'mic', false),
  prod('s2-v', 'site:002:b', 'video'),
  prod('s3-a', 'site:003:c', 'audio', 'mic', true),
  prod('s3-v', 'site:003:c', 'video'),
  prod('scr', 'user:chair1:s0', 'video', 'screen'),
];

describe('consume policy', () => {
  it('a site consumes only the chair, the spotlight/holder and the screen share', () => {
    const ctx: ConsumeContext = {
      role: 'site',
      myPeerId: 'site:003:c',
      chairAccountId: 'chair1',
      holderSiteId: '002',
      spotlightSiteId: '002',
      visibleSiteIds: new Set(['001', '002', '003']),
    };
    const plan = consumePlan(producers, ctx);
    expect([...plan.keys()].sort()).toEqual(['chair-a', 'chair-v', 's2-a', 's2-v', 'scr']);
    expect(plan.get('s2-v')).toEqual({ active: true, spatialLayer: HIGH_LAYER });
    expect(plan.get('chair-v')?.spatialLayer).toBe(HIGH_LAYER);
  });

  it('a site with nobody on the floor consumes the chair and the screen only', () => {
    const plan = consumePlan(producers, {
      role: 'site',
      myPeerId: 'site:001:a',
      chairAccountId: 'chair1',
      holderSiteId: null,
      spotlightSiteId: null,
      visibleSiteIds: new Set(),
    });
    expect([...plan.keys()].sort()).toEqual(['chair-a', 'chair-v', 'scr']);
  });

  it('the chair consumes visible tiles at the low layer, the spotlight high, and open mics', () => {
    const plan = consumePlan(producers, {
      role: 'chair',
      myPeerId: 'user:chair1:s0',
      chairAccountId: 'chair1',
      holderSiteId: null,
      spotlightSiteId: '003',
      visibleSiteIds: new Set(['001', '003']),
    });
    // Own producers are never consumed (including own screen share).
    expect(plan.has('chair-a') || plan.has('chair-v') || plan.has('scr')).toBe(false);
    expect(plan.get('s1-v')).toEqual({ active: true, spatialLayer: LOW_LAYER });
    expect(plan.get('s3-v')).toEqual({ active: true, spatialLayer: HIGH_LAYER });
    expect(plan.has('s2-v')).toBe(false); // off screen
    expect(plan.has('s1-a')).toBe(false); // paused mic: not consumed
    expect(plan.has('s2-a')).toBe(true); // open mic
    expect(plan.has('s3-a')).toBe(true); // spotlight
  });
});
