import type {
  C2SEventName,
  C2SPayload,
  C2SResponses,
  ClientToServerEvents,
  Grant,
  InterServerEvents,
  Role,
  ServerToClientEvents,
} from '@giaoban/shared';
import type { Server, Socket } from 'socket.io';
import type { TokenFacts } from '../auth/Revocations';

export interface SocketData {
  grant: Grant;
  expiresAt: number;
  /** What revocation checks: principal, epoch, session (auth/Revocations). */
  auth: TokenFacts;
  /** The browser's User-Agent at the handshake (named to a site that gets displaced). */
  userAgent: string;
  /** Set by meeting:join. */
  meetingId?: string;
  /** Role in the joined meeting. */
  role?: Role;
  /** A site on its pre-join screen: may test media, is not present (no attendance) yet. */
  lobby?: boolean;
  peerId: string;
}

export type HubServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type HubSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** A socket that has joined a meeting (the pipeline checks it before any handler but join). */
export type Joined = HubSocket & { data: SocketData & { meetingId: string; role: Role } };

export type Handler<E extends C2SEventName> = (
  socket: Joined,
  payload: C2SPayload<E>,
) => Promise<C2SResponses[E]>;

/** One handler per client→server event, each a line or two that calls a service. */
export type HandlerTable<E extends C2SEventName = C2SEventName> = { [K in E]: Handler<K> };
