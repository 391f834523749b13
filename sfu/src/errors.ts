/**
 * Small explicit errors. The server maps `code` straight into its ack
 * `{ ok: false, error: { code, message } }`, so codes are stable API.
 */
export class SfuError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class SfuConfigError extends SfuError {
  /** The environment variable (or config field) that was wrong. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super('BAD_CONFIG', `${variable}: ${message}`);
    this.variable = variable;
  }
}

export class RoomClosedError extends SfuError {
  constructor(roomId: string) {
    super('ROOM_CLOSED', `media room ${roomId} is closed`);
  }
}

export class MediaPlaneClosedError extends SfuError {
  constructor() {
    super('MEDIA_PLANE_CLOSED', 'media plane is closed');
  }
}

export class UnknownPeerError extends SfuError {
  constructor(peerId: string) {
    super('UNKNOWN_PEER', `unknown peer ${peerId}`);
  }
}

/** Also thrown for another peer's transport: a peer must not learn which ids exist. */
export class UnknownTransportError extends SfuError {
  constructor(transportId: string) {
    super('UNKNOWN_TRANSPORT', `unknown transport ${transportId}`);
  }
}

export class UnknownProducerError extends SfuError {
  constructor(producerId: string) {
    super('UNKNOWN_PRODUCER', `unknown producer ${producerId}`);
  }
}

export class UnknownConsumerError extends SfuError {
  constructor(consumerId: string) {
    super('UNKNOWN_CONSUMER', `unknown consumer ${consumerId}`);
  }
}

export class CannotConsumeError extends SfuError {
  constructor(producerId: string) {
    super('CANNOT_CONSUME', `the given RTP capabilities cannot consume producer ${producerId}`);
  }
}

export class UnsupportedCodecError extends SfuError {
  constructor(detail: string) {
    super('UNSUPPORTED_CODEC', `codec not supported by the room: ${detail}`);
  }
}

/** Malformed parameters that mediasoup rejected (bad rtpParameters, dtlsParameters, ...). */
export class InvalidParametersError extends SfuError {
  constructor(detail: string) {
    super('INVALID_PARAMETERS', detail);
  }
}

/** Produce on a transport that does not live on the room's producer router. */
export class WrongTransportDirectionError extends SfuError {
  constructor(transportId: string, expected: 'send' | 'recv') {
    super('WRONG_DIRECTION', `transport ${transportId} is not a ${expected} transport`);
  }
}

/** A per-peer bound (transports, producers, consumers) would be exceeded. */
export class LimitExceededError extends SfuError {
  constructor(what: string, limit: number) {
    super('LIMIT_EXCEEDED', `at most ${limit} ${what} per peer`);
  }
}

/**
 * The peer lost `count` WebRTC transports (DTLS failed or closed under it) within the window:
 * new ones are refused for `retryInMs` so a peer that cannot keep a transport cannot flood the
 * hub with resets (issue #11).
 */
export class TransportsLostError extends SfuError {
  readonly retryInMs: number;

  constructor(peerId: string, count: number, windowMs: number, retryInMs: number) {
    super(
      'TRANSPORTS_LOST',
      `peer ${peerId} lost ${count} transports in ${Math.round(windowMs / 1000)} s; try again in ${Math.ceil(retryInMs / 1000)} s`,
    );
    this.retryInMs = retryInMs;
  }
}
