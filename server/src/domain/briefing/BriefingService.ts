import { createHmac } from 'node:crypto';
import type {
  Actor,
  BriefingView,
  FileRef,
  NoticeView,
  OpinionView,
  PresentationView,
  ReportBoard,
  ReportRequestInput,
  ReportSubmitInput,
  SiteReportView,
  VoteOpenInput,
  VoteView,
} from '@giaoban/shared';
import { type Clock, iso } from '../../util/Clock';
import { HubError } from '../../util/HubError';
import { newId } from '../../util/ids';
import type { MeetingProjection } from '../MeetingProjection';
import type { MeetingService } from '../MeetingService';
import type { BriefingContext } from './briefingDecisions';
import * as rules from './briefingDecisions';

/** The briefing rules' view of a projection. */
export function briefingContext(p: MeetingProjection): BriefingContext {
  return {
    briefing: p.briefing,
    state: p.meeting.state,
    activeSiteIds: p.meeting.siteIds.filter((s) => !p.sites.get(s)?.removed),
    isInvited: (s) => p.isInvited(s) && !p.sites.get(s)?.removed,
    hasItem: (id) => !!p.item(id),
  };
}

/** Who a viewer is, for the views (staff see lists and tallies; a site its own). */
export type Viewer = { staff: true } | { staff: false; siteId: string };

/** The anonymous actor of a secret ballot (the log must not say who voted what). */
const BALLOT_ACTOR: Actor = { id: 'ballot', role: 'site', name: 'Phiếu kín' };

/**
 * Reports, documents, votes, written opinions and the notice: each command one rule
 * (briefingDecisions.ts) through MeetingService.command, so they share its ordering, the
 * optimistic append across hubs, the log's schema check and the sites' log budget.
 */
export class BriefingService {
  constructor(
    private readonly meetings: MeetingService,
    private readonly clock: Clock,
    /** Keys the voter tags (the hub's secret): without it a log cannot be linked to sites. */
    private readonly ballotKey: string,
  ) {}

  private now(): string {
    return iso(this.clock.now());
  }

  voterTag(meetingId: string, voteId: string, siteId: string): string {
    return createHmac('sha256', this.ballotKey)
      .update(`${meetingId}\u0000${voteId}\u0000${siteId}`)
      .digest('hex')
      .slice(0, 32);
  }

  // --- views ------------------------------------------------------------------------------------

  view(p: MeetingProjection, meetingId: string, viewer: Viewer): BriefingView {
    const b = p.briefing;
    const votes = [...b.votes.keys()].map(
      (id) =>
        b.voteView(id, {
          staff: viewer.staff,
          ...(viewer.staff ? {} : { voter: this.voterTag(meetingId, id, viewer.siteId) }),
        })!,
    );
    return {
      votes,
      opinions: viewer.staff
        ? b.opinionViews()
        : b.opinionViews().filter((o) => o.siteId === viewer.siteId),
      notice: b.notice,
      documents: b.documentViews(viewer.staff),
      presentation: b.presentation,
    };
  }

  board(p: MeetingProjection): ReportBoard {
    return p.briefing.board(p.meeting.siteIds, (s) => ({
      code: p.siteCode(s),
      name: p.siteName(s),
    }));
  }

  siteReport(p: MeetingProjection, siteId: string): SiteReportView {
    return p.briefing.siteReport(siteId, this.now());
  }

  get(meetingId: string, viewer: Viewer): Promise<BriefingView> {
    return this.meetings.read(meetingId, (p) => this.view(p, meetingId, viewer));
  }

  getBoard(meetingId: string): Promise<ReportBoard> {
    return this.meetings.read(meetingId, (p) => this.board(p));
  }

  getSiteReport(meetingId: string, siteId: string): Promise<SiteReportView> {
    return this.meetings.read(meetingId, (p) => {
      if (!p.isInvited(siteId)) throw new HubError('FORBIDDEN', 'this site is not in the meeting');
      return this.siteReport(p, siteId);
    });
  }

  // --- reports ---------------------------------------------------------------------------------

  requestReports(meetingId: string, actor: Actor, input: ReportRequestInput): Promise<ReportBoard> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideReportRequest(briefingContext(p), input, this.now()),
      (p) => this.board(p),
    );
  }

  submitReport(
    meetingId: string,
    actor: Actor,
    siteId: string,
    input: ReportSubmitInput,
  ): Promise<SiteReportView> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideReportSubmit(briefingContext(p), siteId, input, this.now()),
      (p) => this.siteReport(p, siteId),
      { budget: siteId },
    );
  }

  remind(meetingId: string, actor: Actor, siteIds?: string[]): Promise<ReportBoard> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideReportRemind(briefingContext(p), siteIds, this.now()),
      (p) => this.board(p),
    );
  }

  // --- documents -------------------------------------------------------------------------------

  attachDocument(
    meetingId: string,
    actor: Actor,
    name: string,
    file: FileRef,
    itemId?: string,
  ): Promise<BriefingView['documents'][number]> {
    const docId = newId();
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideDocumentAttach(briefingContext(p), docId, name, file, itemId),
      (p) => p.briefing.documentViews(true).find((d) => d.id === docId)!,
    );
  }

  removeDocument(meetingId: string, actor: Actor, docId: string): Promise<null> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideDocumentRemove(briefingContext(p), docId),
      () => null,
    );
  }

  /** A site opened a document (the file route calls this before serving it to a site). */
  documentOpened(meetingId: string, actor: Actor, docId: string, siteId: string): Promise<null> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideDocumentOpen(briefingContext(p), docId, siteId),
      () => null,
      { budget: siteId },
    );
  }

  present(
    meetingId: string,
    actor: Actor,
    docId: string | null,
    page: number,
  ): Promise<PresentationView | null> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideDocumentPresent(briefingContext(p), docId, page),
      (p) => p.briefing.presentation,
    );
  }

  // --- votes -----------------------------------------------------------------------------------

  openVote(meetingId: string, actor: Actor, input: VoteOpenInput): Promise<VoteView> {
    const voteId = newId();
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideVoteOpen(briefingContext(p), voteId, input, this.now()),
      (p) => p.briefing.voteView(voteId, { staff: true })!,
    );
  }

  answerVote(
    meetingId: string,
    actor: Actor,
    siteId: string,
    voteId: string,
    option: number,
  ): Promise<VoteView> {
    const voter = this.voterTag(meetingId, voteId, siteId);
    let secret = false;
    return this.meetings
      .read(meetingId, (p) => {
        secret = p.briefing.votes.get(voteId)?.secret ?? false;
      })
      .then(() =>
        this.meetings.command(
          meetingId,
          secret ? BALLOT_ACTOR : actor,
          (p) =>
            rules.decideVoteAnswer(briefingContext(p), voteId, siteId, voter, option, this.now()),
          (p) => p.briefing.voteView(voteId, { staff: false, voter })!,
          { budget: siteId },
        ),
      );
  }

  closeVote(
    meetingId: string,
    actor: Actor,
    voteId: string,
    reason: 'chair' | 'deadline' | 'meeting_closed' = 'chair',
  ): Promise<VoteView> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideVoteClose(briefingContext(p), voteId, reason),
      (p) => p.briefing.voteView(voteId, { staff: true })!,
    );
  }

  // --- opinions and notice ---------------------------------------------------------------------

  sendOpinion(
    meetingId: string,
    actor: Actor,
    siteId: string,
    text: string,
    itemId?: string,
  ): Promise<OpinionView> {
    const opinionId = newId();
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideOpinionSend(briefingContext(p), opinionId, siteId, text, itemId),
      (p) => p.briefing.opinions.get(opinionId)!,
      { budget: siteId },
    );
  }

  markOpinion(
    meetingId: string,
    actor: Actor,
    opinionId: string,
    read: boolean,
  ): Promise<OpinionView> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideOpinionRead(briefingContext(p), opinionId, read),
      (p) => p.briefing.opinions.get(opinionId)!,
    );
  }

  setNotice(meetingId: string, actor: Actor, text: string | null): Promise<NoticeView | null> {
    return this.meetings.command(
      meetingId,
      actor,
      (p) => rules.decideNotice(briefingContext(p), text),
      (p) => p.briefing.notice,
    );
  }
}
