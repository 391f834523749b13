// A stand-in for Socket.IO's server at the edge of the domain-level property suite: the parts of
// `Server` and `Socket` the signalling layer uses (middleware, connection, rooms, broadcast with
// `to`/`except`, `disconnectSockets`, acks), in memory and synchronous, so thousands of random
// briefings run through the real SignallingServer, pipeline, handlers and Membership in seconds.
// Delivery keeps Socket.IO's one promise that matters here: one socket receives its pushes and
// acks in the order the server wrote them.

import type { AckResult, C2SEventName } from '@giaoban/shared';

type Listener = (...args: unknown[]) => void;

/** What a fake client receives, in order: a push or the answer to one of its requests. */
export interface Delivery {
  onPush(event: string, payload: unknown): void;
  onDisconnect(): void;
}

export class FakeSocket {
  readonly rooms = new Set<string>();
  readonly data: Record<string, unknown> = {};
  readonly recovered = false;
  connected = true;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly anyListeners: Listener[] = [];

  constructor(
    private readonly io: FakeIo,
    readonly id: string,
    readonly handshake: { auth: { token: string } },
    readonly client: Delivery,
  ) {
    this.rooms.add(id);
  }

  on(event: string, fn: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return this;
  }

  onAny(fn: Listener): this {
    this.anyListeners.push(fn);
    return this;
  }

  join(room: string | string[]): void {
    for (const r of Array.isArray(room) ? room : [room]) this.rooms.add(r);
  }

  leave(room: string): void {
    this.rooms.delete(room);
  }

  /** Server → this client. */
  emit(event: string, payload: unknown): boolean {
    if (this.connected) this.client.onPush(event, payload);
    return true;
  }

  disconnect(_close?: boolean): this {
    if (!this.connected) return this;
    this.connected = false;
    this.io.forget(this);
    this.rooms.clear();
    this.client.onDisconnect();
    for (const fn of this.listeners.get('disconnect') ?? []) fn('server namespace disconnect');
    return this;
  }

  /** The server process is gone: the client sees its socket close, no server handler runs. */
  crash(): void {
    if (!this.connected) return;
    this.connected = false;
    this.io.forget(this);
    this.rooms.clear();
    this.client.onDisconnect();
  }

  /** Client → server: a request with an ack, answered through `ack` in delivery order. */
  request(event: C2SEventName, payload: unknown, ack: (r: AckResult<unknown>) => void): void {
    if (!this.connected) throw new Error(`socket ${this.id} is closed`);
    const handlers = this.listeners.get(event);
    for (const fn of this.anyListeners) fn(event, payload, ack);
    for (const fn of handlers ?? []) fn(payload, ack);
  }

  /** The client closes its connection (tab closed, network lost). */
  drop(): void {
    this.disconnect();
  }
}

/** A broadcast operator: rooms to reach, rooms to leave out. */
class FakeOperator {
  constructor(
    private readonly io: FakeIo,
    private readonly include: readonly string[],
    private readonly exclude: readonly string[] = [],
  ) {}

  to(room: string | string[]): FakeOperator {
    return new FakeOperator(this.io, [...this.include, ...[room].flat()], this.exclude);
  }
  in(room: string | string[]): FakeOperator {
    return this.to(room);
  }
  except(room: string | string[]): FakeOperator {
    return new FakeOperator(this.io, this.include, [...this.exclude, ...[room].flat()]);
  }
  get local(): FakeOperator {
    return this;
  }

  private targets(): FakeSocket[] {
    return this.io
      .all()
      .filter(
        (s) =>
          this.include.some((r) => s.rooms.has(r)) && !this.exclude.some((r) => s.rooms.has(r)),
      );
  }

  emit(event: string, payload: unknown): boolean {
    for (const s of this.targets()) s.emit(event, payload);
    return true;
  }

  disconnectSockets(close?: boolean): void {
    for (const s of this.targets()) s.disconnect(close);
  }
}

type Middleware = (socket: FakeSocket, next: (err?: Error) => void) => void;

export class FakeIo {
  private readonly sockets = new Map<string, FakeSocket>();
  private readonly middlewares: Middleware[] = [];
  private readonly connectionListeners: Array<(s: FakeSocket) => void> = [];
  private next = 0;

  use(fn: Middleware): this {
    this.middlewares.push(fn);
    return this;
  }

  on(event: string, fn: (s: FakeSocket) => void): this {
    if (event === 'connection') this.connectionListeners.push(fn);
    return this;
  }

  to(room: string | string[]): FakeOperator {
    return new FakeOperator(this, [room].flat());
  }
  in(room: string | string[]): FakeOperator {
    return this.to(room);
  }
  get local(): FakeIo {
    return this;
  }
  serverSideEmit(): void {}

  all(): FakeSocket[] {
    return [...this.sockets.values()];
  }

  forget(s: FakeSocket): void {
    this.sockets.delete(s.id);
  }

  /** A client connects with `token`: the handshake middleware runs, then `connection`. */
  connect(token: string, client: Delivery): FakeSocket | Error {
    const s = new FakeSocket(this, `sock${++this.next}`, { auth: { token } }, client);
    let refused: Error | undefined;
    for (const m of this.middlewares) {
      m(s, (err) => {
        refused ??= err;
      });
      if (refused) return refused;
    }
    this.sockets.set(s.id, s);
    for (const fn of this.connectionListeners) fn(s);
    return s;
  }

  /** The hub process died: every client loses its socket, and the server hears nothing of it. */
  dropAllSilently(): void {
    for (const s of this.all()) s.crash();
  }
}
