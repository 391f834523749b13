/**
 * Dynacast bookkeeping: which simulcast layers of each video producer anybody takes, so the
 * sender can stop encoding and sending the rest (LiveKit calls this dynacast). Pure: no
 * mediasoup objects, no timers of its own but the injected ones, so it is tested by property.
 *
 * A consumer takes the layers up to its preferred spatial layer once resumed (mediasoup's
 * SimulcastConsumer may go lower under a weak bandwidth estimate, never higher), nothing while
 * paused; a producer sent over a pipe to another host is taken whole (the far side decides
 * there). Layer i of a producer is wanted iff some consumer's top layer is ≥ i: the layers
 * below the top stay on so the SFU can still fall back when a receiver's bandwidth drops.
 *
 * Senders start with every layer on. More layers are announced at once (a tile came on screen:
 * its first frame must not wait); fewer only once they stayed unwanted for `offDelayMs`, so a
 * chair paging its grid back and forth does not make sites flap their encoders.
 */
export interface LayerDemandOptions {
  /** A producer's wanted layers changed (index 0 = lowest). */
  onChange: (producerId: string, layers: boolean[]) => void;
  offDelayMs: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

interface ProducerDemand {
  layers: number;
  /** What the sender was last told (initially: everything on). */
  announced: boolean[];
  pending: unknown;
  pipedOut: boolean;
  /** The hosts it is piped to, when known (else every layer is taken for them). */
  remotes: ReadonlySet<string> | undefined;
  /** Top layer each far host's viewers take, as that host reported it (cluster dynacast). */
  remoteTop: Map<string, number>;
  consumers: Set<string>;
}

interface ConsumerDemand {
  producerId: string;
  /** Highest spatial layer it prefers (clamped to the producer's layers). */
  preferred: number;
  paused: boolean;
}

export class LayerDemand {
  readonly #o: Required<LayerDemandOptions>;
  readonly #producers = new Map<string, ProducerDemand>();
  readonly #consumers = new Map<string, ConsumerDemand>();

  constructor(options: LayerDemandOptions) {
    this.#o = {
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      ...options,
    };
  }

  /** A video producer with `layers` simulcast encodings (1 = no simulcast). */
  addProducer(producerId: string, layers: number): void {
    if (this.#producers.has(producerId) || layers < 1) return;
    this.#producers.set(producerId, {
      layers,
      announced: new Array<boolean>(layers).fill(true),
      pending: undefined,
      pipedOut: false,
      remotes: undefined,
      remoteTop: new Map(),
      consumers: new Set(),
    });
    this.#update(producerId);
  }

  removeProducer(producerId: string): void {
    const p = this.#producers.get(producerId);
    if (!p) return;
    if (p.pending !== undefined) this.#o.clearTimer(p.pending);
    for (const c of p.consumers) this.#consumers.delete(c);
    this.#producers.delete(producerId);
  }

  /**
   * A consumer of a tracked producer, taking the layers up to `preferred` unless paused.
   * Consumers of unknown producers (audio, piped in from another host) are ignored.
   */
  addConsumer(
    consumerId: string,
    producerId: string,
    state: { preferred: number; paused: boolean },
  ): void {
    const p = this.#producers.get(producerId);
    if (!p) return;
    this.removeConsumer(consumerId);
    this.#consumers.set(consumerId, {
      producerId,
      preferred: clamp(state.preferred, p.layers),
      paused: state.paused,
    });
    p.consumers.add(consumerId);
    this.#update(producerId);
  }

  /** Resumed, paused or a new preferred layer; unknown consumers are ignored. */
  updateConsumer(consumerId: string, change: { preferred?: number; paused?: boolean }): void {
    const c = this.#consumers.get(consumerId);
    if (!c) return;
    const p = this.#producers.get(c.producerId)!;
    if (change.preferred !== undefined) c.preferred = clamp(change.preferred, p.layers);
    if (change.paused !== undefined) c.paused = change.paused;
    this.#update(c.producerId);
  }

  removeConsumer(consumerId: string): void {
    const c = this.#consumers.get(consumerId);
    if (!c) return;
    this.#consumers.delete(consumerId);
    const p = this.#producers.get(c.producerId);
    if (!p) return;
    p.consumers.delete(consumerId);
    this.#update(c.producerId);
  }

  /**
   * The producer is (no longer) sent over a pipe to another host. `true`: all its layers are
   * taken; the set of hosts: each takes what it reported (`setRemoteDemand`), all until then.
   */
  setPipedOut(producerId: string, pipedOut: boolean | ReadonlySet<string>): void {
    const p = this.#producers.get(producerId);
    if (!p) return;
    const remotes = typeof pipedOut === 'boolean' ? undefined : pipedOut;
    const on = remotes ? remotes.size > 0 : (pipedOut as boolean);
    if (p.pipedOut === on && sameSet(p.remotes, remotes)) return;
    p.pipedOut = on;
    p.remotes = remotes ? new Set(remotes) : undefined;
    this.#update(producerId);
  }

  /** A far host's viewers take layers up to `top` (-1: none) of a producer piped there. */
  setRemoteDemand(producerId: string, remoteId: string, top: number): void {
    const p = this.#producers.get(producerId);
    if (!p) return;
    p.remoteTop.set(remoteId, Math.min(p.layers - 1, Math.max(-1, Math.floor(top))));
    this.#update(producerId);
  }

  /** The layers taken right now (not what the sender was told: that lags on the way down). */
  wanted(producerId: string): boolean[] | undefined {
    const p = this.#producers.get(producerId);
    if (!p) return undefined;
    let top = -1;
    if (p.pipedOut) {
      if (!p.remotes) top = p.layers - 1;
      else for (const r of p.remotes) top = Math.max(top, p.remoteTop.get(r) ?? p.layers - 1);
    }
    for (const id of p.consumers) {
      const c = this.#consumers.get(id);
      if (c && !c.paused && c.preferred > top) top = c.preferred;
    }
    return Array.from({ length: p.layers }, (_, i) => i <= top);
  }

  /** What the producer's sender was last told to send. */
  announced(producerId: string): boolean[] | undefined {
    return this.#producers.get(producerId)?.announced.slice();
  }

  #update(producerId: string): void {
    const p = this.#producers.get(producerId)!;
    const want = this.wanted(producerId)!;
    const same = want.every((w, i) => w === p.announced[i]);
    if (same) {
      if (p.pending !== undefined) this.#o.clearTimer(p.pending);
      p.pending = undefined;
      return;
    }
    const more = want.some((w, i) => w && !p.announced[i]);
    if (more || this.#o.offDelayMs <= 0) {
      this.#announce(producerId, want);
      return;
    }
    // Fewer layers: wait, then announce whatever is wanted by then.
    if (p.pending !== undefined) return;
    p.pending = this.#o.setTimer(() => {
      const q = this.#producers.get(producerId);
      if (q !== p) return;
      p.pending = undefined;
      const now = this.wanted(producerId)!;
      if (!now.every((w, i) => w === p.announced[i])) this.#announce(producerId, now);
    }, this.#o.offDelayMs);
  }

  #announce(producerId: string, layers: boolean[]): void {
    const p = this.#producers.get(producerId)!;
    if (p.pending !== undefined) this.#o.clearTimer(p.pending);
    p.pending = undefined;
    p.announced = layers;
    this.#o.onChange(producerId, layers.slice());
  }

  /** Clears every pending timer (the room closed). */
  close(): void {
    for (const p of this.#producers.values()) {
      if (p.pending !== undefined) this.#o.clearTimer(p.pending);
    }
    this.#producers.clear();
    this.#consumers.clear();
  }
}

function sameSet(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined) {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function clamp(layer: number, layers: number): number {
  return Math.max(0, Math.min(layers - 1, Math.floor(Number.isFinite(layer) ? layer : layers)));
}
