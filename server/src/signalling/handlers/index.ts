import type { HandlerTable } from '../types';
import { agendaHandlers } from './agenda';
import { attendanceHandlers } from './attendance';
import { briefingHandlers } from './briefing';
import type { HandlerDeps } from './context';
import { floorHandlers } from './floor';
import { mediaHandlers } from './media';
import { meetingHandlers } from './meeting';
import { moderationHandlers } from './moderation';

export type { HandlerDeps } from './context';

/** The handler table: one entry per client→server event (the compiler checks none is missing). */
export function buildHandlers(d: HandlerDeps): HandlerTable {
  return {
    ...meetingHandlers(d),
    ...agendaHandlers(d),
    ...floorHandlers(d),
    ...moderationHandlers(d),
    ...attendanceHandlers(d),
    ...mediaHandlers(d),
    ...briefingHandlers(d),
  };
}
