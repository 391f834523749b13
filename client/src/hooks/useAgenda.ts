import { useMemo } from 'react';
import { agendaRemainingMs, moveAgendaItem, sortedAgenda } from '../lib/agenda';
import { serverNow } from '../lib/meetingState';
import { useMeeting } from './useMeeting';
import { useNow } from './useNow';

/** Agenda in order, the current item and its remaining time (server clock), and chair actions. */
export function useAgenda() {
  const { state, session } = useMeeting();
  const now = useNow();
  const items = useMemo(() => sortedAgenda(state?.meeting.agenda ?? []), [state?.meeting.agenda]);
  const current = items.find((i) => i.id === state?.meeting.currentItemId) ?? null;
  const remainingMs = current && state ? agendaRemainingMs(current, serverNow(state, now)) : null;
  return {
    items,
    current,
    remainingMs,
    start: (itemId: string) => session.act('agenda:start', { itemId }),
    next: () => session.act('agenda:next', {}),
    extend: (minutes = 5) => session.act('agenda:extend', { minutes }),
    /** Moves an item up (-1) or down (+1) in the agenda. */
    move: async (itemId: string, delta: number) => {
      const itemIds = moveAgendaItem(items, itemId, delta);
      if (itemIds) await session.act('agenda:reorder', { itemIds });
    },
    note: (itemId: string, notes: string, conclusions: string) =>
      session.act('agenda:note', { itemId, notes, conclusions }),
  };
}
