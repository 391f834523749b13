import type { MediaRoomPort } from '../../media/MediaGateway';
import { HubError } from '../../util/HubError';
import type { HandlerTable, Joined } from '../types';
import type { HandlerDeps } from './context';

type MediaEvent =
  | 'media:routerCapabilities'
  | 'media:createTransport'
  | 'media:connectTransport'
  | 'media:restartIce'
  | 'media:produce'
  | 'media:closeProducer'
  | 'media:setProducerPaused'
  | 'media:consume'
  | 'media:resumeConsumer'
  | 'media:pauseConsumer'
  | 'media:setPreferredLayers';

/** The media plane's requests. Producers are paused and resumed by the MediaEnforcer only. */
export function mediaHandlers(d: HandlerDeps): HandlerTable<MediaEvent> {
  const room = (s: Joined) =>
    d.media.roomFor(s.data.meetingId, s.data.role === 'site' ? s.data.grant.siteId : undefined);
  const own = (r: MediaRoomPort, s: Joined, producerId: string) => {
    const p = r.listProducers().find((x) => x.id === producerId && x.peerId === s.data.peerId);
    if (!p) throw new HubError('NOT_FOUND', `producer ${producerId} not found`);
    return p;
  };
  return {
    'media:routerCapabilities': async (s) => ({ rtpCapabilities: (await room(s)).rtpCapabilities }),
    'media:createTransport': async (s, p) => {
      const t = await (await room(s)).createWebRtcTransport(s.data.peerId, {
        direction: p.direction,
      });
      return {
        id: t.id,
        iceParameters: t.iceParameters,
        iceCandidates: t.iceCandidates,
        dtlsParameters: t.dtlsParameters,
      };
    },
    'media:connectTransport': async (s, p) => {
      await (await room(s)).connectTransport(
        s.data.peerId,
        p.transportId,
        p.dtlsParameters as never,
      );
      return null;
    },
    'media:restartIce': async (s, p) => ({
      iceParameters: await (await room(s)).restartIce(s.data.peerId, p.transportId),
    }),
    'media:produce': async (s, p) => {
      if ((p.kind === 'audio') !== (p.source === 'mic')) {
        throw new HubError('BAD_REQUEST', 'source "mic" is audio; camera and screen are video');
      }
      const r = await room(s);
      const { id } = await r.produce(s.data.peerId, p.transportId, {
        kind: p.kind,
        rtpParameters: p.rtpParameters as never,
        appData: { source: p.source },
      });
      const owner = { peerId: s.data.peerId, role: s.data.role, siteId: s.data.grant.siteId };
      const paused = await d.enforcer.admit(s.data.meetingId, owner, id, p.kind, p.source);
      return { id, paused };
    },
    'media:closeProducer': async (s, p) => {
      const r = await room(s);
      own(r, s, p.producerId);
      r.closeProducer(s.data.peerId, p.producerId);
      return null;
    },
    'media:setProducerPaused': async (s, p) => {
      own(await room(s), s, p.producerId);
      await d.enforcer.setOwnerPaused(
        s.data.meetingId,
        p.producerId,
        p.paused,
        () => new HubError('FORBIDDEN', 'this site may not send its microphone now (no floor)'),
      );
      return { paused: p.paused };
    },
    'media:consume': async (s, p) => {
      const c = await (await room(s)).consume(
        s.data.peerId,
        p.transportId,
        p.producerId,
        p.rtpCapabilities as never,
      );
      return {
        id: c.id,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters,
        type: c.type,
        producerPaused: c.producerPaused,
      };
    },
    'media:resumeConsumer': async (s, p) => {
      await (await room(s)).resumeConsumer(s.data.peerId, p.consumerId);
      return null;
    },
    'media:pauseConsumer': async (s, p) => {
      await (await room(s)).pauseConsumer(s.data.peerId, p.consumerId);
      return null;
    },
    'media:setPreferredLayers': async (s, p) => {
      const layers =
        p.temporalLayer === undefined
          ? { spatialLayer: p.spatialLayer }
          : { spatialLayer: p.spatialLayer, temporalLayer: p.temporalLayer };
      await (await room(s)).setPreferredLayers(s.data.peerId, p.consumerId, layers);
      return null;
    },
  };
}
