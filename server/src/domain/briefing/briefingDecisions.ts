import {
  BRIEFING_LIMITS,
  DEFAULT_VOTE_OPTIONS,
  type FileRef,
  type MeetingState,
  type ReportRequestInput,
  type ReportSubmitInput,
  type VoteOpenInput,
} from '@giaoban/shared';
import { HubError } from '../../util/HubError';
import type { BriefingData, BriefingEntryType, BriefingState } from './BriefingState';

/** What the briefing rules read of a meeting (MeetingProjection provides it). */
export interface BriefingContext {
  readonly briefing: BriefingState;
  readonly state: MeetingState;
  /** Invited and not removed. */
  readonly activeSiteIds: readonly string[];
  isInvited(siteId: string): boolean;
  hasItem(itemId: string): boolean;
}

export type BriefingDecision = {
  [T in BriefingEntryType]: { type: T; data: BriefingData<T> };
}[BriefingEntryType];

const d = <T extends BriefingEntryType>(type: T, data: BriefingData<T>) =>
  ({ type, data }) as BriefingDecision;

const LIVE: readonly MeetingState[] = ['open', 'in_session', 'adjourned'];

function notClosed(c: BriefingContext): void {
  if (c.state === 'closed') throw new HubError('MEETING_CLOSED', 'the meeting is closed');
}
function live(c: BriefingContext, states: readonly MeetingState[] = LIVE): void {
  notClosed(c);
  if (!states.includes(c.state))
    throw new HubError('INVALID_STATE', `not allowed while the meeting is ${c.state}`);
}
function item(c: BriefingContext, itemId: string | undefined): void {
  if (itemId && !c.hasItem(itemId))
    throw new HubError('NOT_FOUND', `agenda item ${itemId} not found`);
}
function invited(c: BriefingContext, siteId: string): void {
  if (!c.isInvited(siteId))
    throw new HubError('FORBIDDEN', `site ${siteId} is not in this meeting`);
}

/** Normalises formatted text: NFC, LF line ends, no trailing spaces, at most two blank lines. */
export function cleanText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// --- reports --------------------------------------------------------------------------------

export function decideReportRequest(
  c: BriefingContext,
  input: ReportRequestInput,
  now: string,
): BriefingDecision | null {
  notClosed(c);
  if (input.deadline <= now && c.briefing.request?.deadline !== input.deadline) {
    throw new HubError('BAD_REQUEST', 'deadline: must be in the future', [
      { path: 'deadline', message: 'must be in the future' },
    ]);
  }
  const data = {
    deadline: input.deadline,
    template: cleanText(input.template),
    fields: input.fields,
  };
  const r = c.briefing.request;
  if (
    r &&
    JSON.stringify([r.deadline, r.template, r.fields]) ===
      JSON.stringify([data.deadline, data.template, data.fields])
  )
    return null;
  return d('report.request', data);
}

export function decideReportSubmit(
  c: BriefingContext,
  siteId: string,
  input: ReportSubmitInput,
  now: string,
): BriefingDecision | null {
  notClosed(c);
  invited(c, siteId);
  const req = c.briefing.request;
  if (!req) throw new HubError('INVALID_STATE', 'no report was requested for this meeting');
  const prev = c.briefing.reports.get(siteId);
  if (prev && now > req.deadline) {
    throw new HubError(
      'INVALID_STATE',
      'the deadline has passed: the report can no longer be amended',
    );
  }
  if ((prev?.version ?? 0) >= BRIEFING_LIMITS.reportVersions) {
    throw new HubError(
      'RATE_LIMITED',
      `at most ${BRIEFING_LIMITS.reportVersions} versions of a report`,
    );
  }
  const known = new Set(req.fields.map((f) => f.id));
  const fields: Record<string, string> = {};
  const issues: Array<{ path: string; message: string }> = [];
  for (const [k, v] of Object.entries(input.fields)) {
    if (!known.has(k)) issues.push({ path: `fields.${k}`, message: 'not a field of this report' });
    else if (cleanText(v)) fields[k] = cleanText(v);
  }
  for (const f of req.fields) {
    if (f.required && !fields[f.id]) issues.push({ path: `fields.${f.id}`, message: 'required' });
  }
  const text = cleanText(input.text);
  if (!text && input.files.length === 0 && Object.keys(fields).length === 0)
    issues.push({ path: 'text', message: 'required' });
  if (issues.length)
    throw new HubError('BAD_REQUEST', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
  const files: FileRef[] = input.files;
  if (
    prev &&
    prev.text === text &&
    JSON.stringify(prev.fields) === JSON.stringify(fields) &&
    JSON.stringify(prev.files) === JSON.stringify(files)
  )
    return null;
  return d('report.submit', { siteId, text, fields, files });
}

/** Minutes between two reminders of the same site (a double click reminds once). */
export const REMIND_GAP_MS = 5 * 60_000;

export function decideReportRemind(
  c: BriefingContext,
  siteIds: readonly string[] | undefined,
  now: string,
): BriefingDecision | null {
  notClosed(c);
  const b = c.briefing;
  if (!b.request) throw new HubError('INVALID_STATE', 'no report was requested for this meeting');
  const wanted = siteIds ?? c.activeSiteIds;
  const due = wanted.filter((s) => {
    if (!c.isInvited(s) || b.reports.has(s)) return false;
    const last = b.reminded.get(s);
    return !last || Date.parse(now) - Date.parse(last) >= REMIND_GAP_MS;
  });
  return due.length ? d('report.remind', { siteIds: due }) : null;
}

// --- documents ------------------------------------------------------------------------------

export function decideDocumentAttach(
  c: BriefingContext,
  docId: string,
  name: string,
  file: FileRef,
  itemId?: string,
): BriefingDecision {
  notClosed(c);
  item(c, itemId);
  if (c.briefing.documents.size >= BRIEFING_LIMITS.documents)
    throw new HubError('PAYLOAD_TOO_LARGE', `at most ${BRIEFING_LIMITS.documents} documents`);
  return d('document.attach', { docId, name, file, ...(itemId ? { itemId } : {}) });
}

export function decideDocumentRemove(c: BriefingContext, docId: string): BriefingDecision | null {
  notClosed(c);
  return c.briefing.documents.has(docId) ? d('document.remove', { docId }) : null;
}

/** One entry per open, up to `documentOpensPerSite` per site and document (then not logged). */
export function decideDocumentOpen(
  c: BriefingContext,
  docId: string,
  siteId: string,
): BriefingDecision | null {
  const doc = c.briefing.documents.get(docId);
  if (!doc) throw new HubError('NOT_FOUND', `document ${docId} not found`);
  if (c.state === 'closed') return null;
  if ((doc.opens.get(siteId)?.opens ?? 0) >= BRIEFING_LIMITS.documentOpensPerSite) return null;
  return d('document.open', { docId, siteId });
}

export function decideDocumentPresent(
  c: BriefingContext,
  docId: string | null,
  page: number,
): BriefingDecision | null {
  live(c, ['open', 'in_session']);
  const cur = c.briefing.presentation;
  if (docId === null) return cur ? d('document.present', { docId: null, page: 1 }) : null;
  const doc = c.briefing.documents.get(docId);
  if (!doc) throw new HubError('NOT_FOUND', `document ${docId} not found`);
  if (doc.file.kind !== 'pdf')
    throw new HubError('BAD_REQUEST', 'only PDF documents can be presented');
  if (cur?.docId === docId && cur.page === page) return null;
  return d('document.present', { docId, page });
}

// --- votes ----------------------------------------------------------------------------------

export function openVote(c: BriefingContext): string | undefined {
  for (const v of c.briefing.votes.values()) if (!v.closedAt) return v.id;
  return undefined;
}

export function decideVoteOpen(
  c: BriefingContext,
  voteId: string,
  input: VoteOpenInput,
  now: string,
): BriefingDecision {
  live(c, ['in_session']);
  item(c, input.itemId);
  if (openVote(c)) throw new HubError('CONFLICT', 'another vote is open: close it first');
  if (c.briefing.votes.size >= BRIEFING_LIMITS.votes)
    throw new HubError('PAYLOAD_TOO_LARGE', `at most ${BRIEFING_LIMITS.votes} votes in a meeting`);
  const deadline = new Date(Date.parse(now) + input.durationSeconds * 1000).toISOString();
  return d('vote.open', {
    voteId,
    ...(input.itemId ? { itemId: input.itemId } : {}),
    question: input.question,
    options: input.options ?? [...DEFAULT_VOTE_OPTIONS],
    secret: input.secret,
    deadline,
    expectedSiteIds: [...c.activeSiteIds],
  });
}

export function decideVoteAnswer(
  c: BriefingContext,
  voteId: string,
  siteId: string,
  voter: string,
  option: number,
  now: string,
): BriefingDecision {
  notClosed(c);
  const v = c.briefing.votes.get(voteId);
  if (!v) throw new HubError('NOT_FOUND', `vote ${voteId} not found`);
  if (v.closedAt || now > v.deadline) throw new HubError('INVALID_STATE', 'the vote is closed');
  if (!v.expectedSiteIds.includes(siteId))
    throw new HubError('FORBIDDEN', 'this site is not asked in this vote');
  if (v.byVoter.has(voter)) throw new HubError('CONFLICT', 'this site has already answered');
  if (option >= v.options.length) throw new HubError('BAD_REQUEST', 'option: no such option');
  return d('vote.answer', { voteId, voter, option, ...(v.secret ? {} : { siteId }) });
}

export function decideVoteClose(
  c: BriefingContext,
  voteId: string,
  reason: 'chair' | 'deadline' | 'meeting_closed',
): BriefingDecision | null {
  const v = c.briefing.votes.get(voteId);
  if (!v) throw new HubError('NOT_FOUND', `vote ${voteId} not found`);
  return v.closedAt ? null : d('vote.close', { voteId, reason });
}

// --- opinions and notice --------------------------------------------------------------------

export function decideOpinionSend(
  c: BriefingContext,
  opinionId: string,
  siteId: string,
  text: string,
  itemId?: string,
): BriefingDecision {
  live(c);
  invited(c, siteId);
  item(c, itemId);
  if ((c.briefing.opinionsBySite.get(siteId) ?? 0) >= BRIEFING_LIMITS.opinionsPerSite)
    throw new HubError(
      'RATE_LIMITED',
      `at most ${BRIEFING_LIMITS.opinionsPerSite} written opinions`,
    );
  const clean = cleanText(text);
  if (!clean) throw new HubError('BAD_REQUEST', 'text: required');
  return d('opinion.send', { opinionId, siteId, text: clean, ...(itemId ? { itemId } : {}) });
}

export function decideOpinionRead(
  c: BriefingContext,
  opinionId: string,
  read: boolean,
): BriefingDecision | null {
  notClosed(c);
  const o = c.briefing.opinions.get(opinionId);
  if (!o) throw new HubError('NOT_FOUND', `opinion ${opinionId} not found`);
  return !!o.readAt === read ? null : d('opinion.read', { opinionId, read });
}

export function decideNotice(c: BriefingContext, text: string | null): BriefingDecision | null {
  live(c);
  const cur = c.briefing.notice?.text ?? null;
  return cur === text ? null : d('notice.set', { text });
}
