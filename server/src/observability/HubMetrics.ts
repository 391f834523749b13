import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MediaGateway } from '../media/MediaGateway';

/** Prometheus metrics of one hub (own registry, so several hubs can live in one test process). */
export class HubMetrics {
  readonly registry = new Registry();
  readonly connectedSites: Gauge;
  readonly sockets: Gauge;
  readonly eventDuration: Histogram<'event' | 'outcome'>;
  readonly rejected: Counter<'code'>;

  constructor(media: MediaGateway | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'giaoban_' });
    this.connectedSites = new Gauge({
      name: 'giaoban_connected_sites',
      help: 'Sites (điểm cầu) currently joined to a meeting on this node',
      registers: [this.registry],
    });
    this.sockets = new Gauge({
      name: 'giaoban_sockets',
      help: 'Open Socket.IO connections on this node',
      registers: [this.registry],
    });
    this.eventDuration = new Histogram({
      name: 'giaoban_socket_event_duration_seconds',
      help: 'Time to handle a signalling request until its ack',
      labelNames: ['event', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.rejected = new Counter({
      name: 'giaoban_socket_rejected_total',
      help: 'Signalling requests answered with an error, by code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    const workerStats = async () => (media ? await media.workerStats().catch(() => []) : []);
    new Gauge({
      name: 'giaoban_consumers',
      help: 'mediasoup consumers on this node',
      registers: [this.registry],
      async collect() {
        this.set((await workerStats()).reduce((n, w) => n + w.consumers, 0));
      },
    });
    new Gauge({
      name: 'giaoban_worker_cpu_seconds',
      help: 'Cumulative CPU (user+system) of each mediasoup worker',
      labelNames: ['pid'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const w of await workerStats()) {
          this.set({ pid: String(w.pid) }, (w.cpuUserMs + w.cpuSystemMs) / 1000);
        }
      },
    });
    new Gauge({
      name: 'giaoban_worker_rss_bytes',
      help: 'Resident memory of each mediasoup worker',
      labelNames: ['pid'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const w of await workerStats()) this.set({ pid: String(w.pid) }, w.rssKb * 1024);
      },
    });
  }
}
