import type { HandlerTable } from '../types';
import { actor, type HandlerDeps, mid, siteOf } from './context';

const isStaff = (role: string) => role !== 'site';

export function briefingHandlers(
  d: HandlerDeps,
): HandlerTable<
  | 'briefing:get'
  | 'vote:open'
  | 'vote:answer'
  | 'vote:close'
  | 'opinion:send'
  | 'opinion:read'
  | 'notice:set'
  | 'document:present'
> {
  const b = d.briefing;
  return {
    'briefing:get': (s) =>
      b.get(
        mid(s),
        isStaff(s.data.grant.role) ? { staff: true } : { staff: false, siteId: siteOf(s) },
      ),
    'vote:open': (s, p) => b.openVote(mid(s), actor(s), p),
    'vote:answer': (s, p) => b.answerVote(mid(s), actor(s), siteOf(s), p.voteId, p.option),
    'vote:close': (s, p) => b.closeVote(mid(s), actor(s), p.voteId),
    'opinion:send': (s, p) => b.sendOpinion(mid(s), actor(s), siteOf(s), p.text, p.itemId),
    'opinion:read': (s, p) => b.markOpinion(mid(s), actor(s), p.opinionId, p.read),
    'notice:set': (s, p) => b.setNotice(mid(s), actor(s), p.text),
    'document:present': (s, p) => b.present(mid(s), actor(s), p.docId, p.page),
  };
}
