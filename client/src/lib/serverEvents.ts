import type { ServerToClientEvents } from '@giaoban/shared';
import { S2C_EVENTS } from '@giaoban/shared/serverEvents';

/**
 * The server→client event names the session listens to: the contract's list, imported from its
 * zod-free module so the first-load bundle does not pull every schema in.
 */
export const SERVER_EVENTS: readonly (keyof ServerToClientEvents)[] = S2C_EVENTS;

type Missing = Exclude<keyof ServerToClientEvents, (typeof S2C_EVENTS)[number]>;
// Compile-time completeness check: `Missing` must be `never`.
export const SERVER_EVENTS_COMPLETE: [Missing] extends [never] ? true : Missing = true;
