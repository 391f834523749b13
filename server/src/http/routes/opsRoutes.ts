import type { Health } from '@giaoban/shared';
import type { RouteDeps, RouteTable } from './kit';

export function opsRoutes(d: RouteDeps): RouteTable<'get /healthz' | 'get /metrics'> {
  return {
    'get /healthz': async ({ res }) => {
      const storeOk = await d.store.ping();
      let workers = 0;
      let mediaOk = !d.media;
      if (d.media) {
        try {
          workers = (await d.media.workerStats()).length;
          mediaOk = workers > 0;
        } catch {
          mediaOk = false;
        }
      }
      const body: Health = {
        ok: storeOk && mediaOk,
        node: d.config.nodeId,
        store: { kind: d.store.kind, ok: storeOk },
        media: { workers, ok: mediaOk },
        uptimeSeconds: Math.round((d.clock.now() - d.startedAt) / 1000),
      };
      if (!body.ok) res.status(503);
      return body;
    },
    'get /metrics': async ({ res }) => {
      res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
      return undefined;
    },
  };
}
