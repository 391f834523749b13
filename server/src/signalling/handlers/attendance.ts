import type { LogData } from '@giaoban/shared';
import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid, siteOf } from './context';

export function attendanceHandlers(
  d: HandlerDeps,
): HandlerTable<
  'attendance:table' | 'attendance:mark' | 'rollcall:start' | 'rollcall:answer' | 'rollcall:close'
> {
  const m = d.meetings;
  return {
    'attendance:table': (s) => m.read(mid(s), (p) => p.attendanceTable(d.clock.now())),
    'attendance:mark': (s, p) => {
      const data: LogData<'attendance.mark'> = { siteId: p.siteId };
      if (p.mark !== undefined) data.mark = p.mark;
      if (p.absenceReason !== undefined) data.absenceReason = p.absenceReason;
      if (p.headcount !== undefined) data.headcount = p.headcount;
      if (p.siteChair !== undefined) data.siteChair = p.siteChair;
      if (p.note !== undefined) data.note = p.note;
      return m.mark(mid(s), actor(s), data);
    },
    'rollcall:start': (s, p) => m.rollCallStart(mid(s), actor(s), p.deadlineSeconds),
    'rollcall:answer': (s, p) =>
      m.rollCallAnswer(mid(s), actor(s), siteOf(s), p.rollCallId, p.headcount),
    'rollcall:close': (s, p) => m.rollCallClose(mid(s), actor(s), p.rollCallId),
  };
}
