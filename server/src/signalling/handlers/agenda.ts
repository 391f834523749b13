import type { LogData } from '@giaoban/shared';
import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid } from './context';

export function agendaHandlers(
  d: HandlerDeps,
): HandlerTable<
  'agenda:start' | 'agenda:next' | 'agenda:extend' | 'agenda:reorder' | 'agenda:note'
> {
  const m = d.meetings;
  return {
    'agenda:start': (s, p) => m.agendaStart(mid(s), actor(s), p.itemId),
    'agenda:next': (s) => m.agendaNext(mid(s), actor(s)),
    'agenda:extend': (s, p) => m.agendaExtend(mid(s), actor(s), p.minutes),
    'agenda:reorder': (s, p) => m.agendaReorder(mid(s), actor(s), p.itemIds),
    'agenda:note': (s, p) => {
      const data: LogData<'agenda.note'> = { itemId: p.itemId };
      if (p.notes !== undefined) data.notes = p.notes;
      if (p.conclusions !== undefined) data.conclusions = p.conclusions;
      return m.agendaNote(mid(s), actor(s), data);
    },
  };
}
