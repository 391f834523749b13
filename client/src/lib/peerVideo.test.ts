import type { ProducerInfo } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { findProducer, peerVideoState } from './peerVideo';

const p = (peerId: string, source: string, kind: 'audio' | 'video', paused = false) =>
  ({ producerId: `${peerId}/${source}/${kind}`, peerId, source, kind, paused }) as ProducerInfo;

describe('peer video state', () => {
  const producers = [
    p('site:00004:a', 'camera', 'video', true),
    p('site:00004:a', 'mic', 'audio'),
    p('user:chair1:s0', 'camera', 'video'),
  ];

  it("finds a site's or a person's source by kind, whatever the connection suffix", () => {
    expect(findProducer(producers, { siteId: '00004' }, 'camera')?.peerId).toBe('site:00004:a');
    expect(findProducer(producers, { siteId: '00004' }, 'mic', 'audio')?.kind).toBe('audio');
    expect(findProducer(producers, { accountId: 'chair1' }, 'camera')?.paused).toBe(false);
    expect(findProducer(producers, { siteId: '00008' }, 'camera')).toBeUndefined();
    expect(findProducer(producers, { siteId: '0000' }, 'camera')).toBeUndefined();
  });

  it('says camera off for a paused producer even while its last frame is still received', () => {
    const paused = findProducer(producers, { siteId: '00004' }, 'camera');
    expect(peerVideoState(paused, true)).toBe('cameraOff');
    expect(peerVideoState(paused, false)).toBe('cameraOff');
    const live = findProducer(producers, { accountId: 'chair1' }, 'camera');
    expect(peerVideoState(live, true)).toBe('live');
    expect(peerVideoState(live, false)).toBe('waiting');
    expect(peerVideoState(undefined, false)).toBe('none');
  });
});
