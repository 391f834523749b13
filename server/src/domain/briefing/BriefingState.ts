import type {
  BriefingEntryData,
  FileRef,
  MeetingDocumentView,
  NoticeView,
  OpinionView,
  PresentationView,
  ReportBoard,
  ReportBoardRow,
  ReportRequestView,
  ReportStatus,
  ReportSubmissionView,
  SiteReportView,
  VoteView,
} from '@giaoban/shared';
import type { z } from 'zod';

export type BriefingEntryType = keyof typeof BriefingEntryData;
export type BriefingData<T extends BriefingEntryType> = z.infer<
  z.ZodObject<(typeof BriefingEntryData)[T]>
>;
export type BriefingEntry = {
  [T in BriefingEntryType]: { type: T; data: BriefingData<T>; at: string };
}[BriefingEntryType];

export const BRIEFING_ENTRY_TYPES = [
  'report.request',
  'report.submit',
  'report.remind',
  'document.attach',
  'document.remove',
  'document.open',
  'document.present',
  'vote.open',
  'vote.answer',
  'vote.close',
  'opinion.send',
  'opinion.read',
  'notice.set',
] as const satisfies readonly BriefingEntryType[];

export interface VoteState {
  id: string;
  itemId?: string;
  question: string;
  options: string[];
  secret: boolean;
  openedAt: string;
  deadline: string;
  expectedSiteIds: string[];
  closedAt?: string;
  /** voter tag → option (the once-only rule works on tags, also for secret votes). */
  byVoter: Map<string, number>;
  /** Open votes only: site → ballot. */
  bySite: Map<string, { option: number; at: string }>;
  tally: number[];
}

interface DocState {
  id: string;
  name: string;
  itemId?: string;
  file: FileRef;
  attachedAt: string;
  opens: Map<string, { firstAt: string; opens: number }>;
}

/** What an applied briefing entry changed (for pushes). */
export interface BriefingEffects {
  report?: { siteIds: string[] | 'all' };
  reminded?: string[];
  documents?: boolean;
  presentation?: boolean;
  vote?: string;
  opinion?: string;
  notice?: boolean;
}

export interface SiteLabel {
  code: string;
  name: string;
}

/**
 * The briefing part of a meeting's projection: folded from the same log (pure, no clock: time
 * comes from the entries), read by decisions, snapshots, pushes and the minutes.
 */
export class BriefingState {
  request: ReportRequestView | null = null;
  readonly reports = new Map<string, ReportSubmissionView>();
  readonly reminded = new Map<string, string>();
  readonly documents = new Map<string, DocState>();
  presentation: PresentationView | null = null;
  readonly votes = new Map<string, VoteState>();
  readonly opinions = new Map<string, OpinionView>();
  readonly opinionsBySite = new Map<string, number>();
  notice: NoticeView | null = null;

  apply(e: BriefingEntry): BriefingEffects {
    switch (e.type) {
      case 'report.request': {
        this.request = { ...e.data, requestedAt: e.at };
        // A moved deadline re-decides lateness of what came in (late = after the deadline).
        for (const r of this.reports.values()) r.late = r.firstAt > e.data.deadline;
        return { report: { siteIds: 'all' } };
      }
      case 'report.submit': {
        const prev = this.reports.get(e.data.siteId);
        const firstAt = prev?.firstAt ?? e.at;
        const deadline = this.request?.deadline;
        this.reports.set(e.data.siteId, {
          siteId: e.data.siteId,
          text: e.data.text,
          fields: { ...e.data.fields },
          files: e.data.files.map((f) => ({ ...f })),
          firstAt,
          at: e.at,
          version: (prev?.version ?? 0) + 1,
          late: deadline !== undefined && firstAt > deadline,
        });
        return { report: { siteIds: [e.data.siteId] } };
      }
      case 'report.remind':
        for (const s of e.data.siteIds) this.reminded.set(s, e.at);
        return { report: { siteIds: e.data.siteIds }, reminded: e.data.siteIds };
      case 'document.attach':
        this.documents.set(e.data.docId, {
          id: e.data.docId,
          name: e.data.name,
          ...(e.data.itemId ? { itemId: e.data.itemId } : {}),
          file: e.data.file,
          attachedAt: e.at,
          opens: new Map(),
        });
        return { documents: true };
      case 'document.remove': {
        this.documents.delete(e.data.docId);
        const fx: BriefingEffects = { documents: true };
        if (this.presentation?.docId === e.data.docId) {
          this.presentation = null;
          fx.presentation = true;
        }
        return fx;
      }
      case 'document.open': {
        const doc = this.documents.get(e.data.docId);
        if (!doc) return {};
        const o = doc.opens.get(e.data.siteId);
        if (o) o.opens++;
        else doc.opens.set(e.data.siteId, { firstAt: e.at, opens: 1 });
        return { documents: true };
      }
      case 'document.present':
        this.presentation =
          e.data.docId === null ? null : { docId: e.data.docId, page: e.data.page, at: e.at };
        return { presentation: true };
      case 'vote.open':
        this.votes.set(e.data.voteId, {
          id: e.data.voteId,
          ...(e.data.itemId ? { itemId: e.data.itemId } : {}),
          question: e.data.question,
          options: [...e.data.options],
          secret: e.data.secret,
          openedAt: e.at,
          deadline: e.data.deadline,
          expectedSiteIds: [...e.data.expectedSiteIds],
          byVoter: new Map(),
          bySite: new Map(),
          tally: e.data.options.map(() => 0),
        });
        return { vote: e.data.voteId };
      case 'vote.answer': {
        const v = this.votes.get(e.data.voteId);
        // Folding is total: an entry the rules would refuse (closed, repeated) changes nothing.
        if (!v || v.closedAt || v.byVoter.has(e.data.voter) || e.data.option >= v.options.length)
          return {};
        v.byVoter.set(e.data.voter, e.data.option);
        v.tally[e.data.option] = (v.tally[e.data.option] ?? 0) + 1;
        if (!v.secret && e.data.siteId)
          v.bySite.set(e.data.siteId, { option: e.data.option, at: e.at });
        return { vote: v.id };
      }
      case 'vote.close': {
        const v = this.votes.get(e.data.voteId);
        if (!v || v.closedAt) return {};
        v.closedAt = e.at;
        return { vote: v.id };
      }
      case 'opinion.send':
        this.opinions.set(e.data.opinionId, {
          id: e.data.opinionId,
          siteId: e.data.siteId,
          itemId: e.data.itemId ?? null,
          text: e.data.text,
          at: e.at,
          readAt: null,
        });
        this.opinionsBySite.set(e.data.siteId, (this.opinionsBySite.get(e.data.siteId) ?? 0) + 1);
        return { opinion: e.data.opinionId };
      case 'opinion.read': {
        const o = this.opinions.get(e.data.opinionId);
        if (!o) return {};
        o.readAt = e.data.read ? e.at : null;
        return { opinion: o.id };
      }
      case 'notice.set':
        this.notice = e.data.text === null ? null : { text: e.data.text, at: e.at };
        return { notice: true };
    }
  }

  // --- views ------------------------------------------------------------------------------------

  reportStatus(siteId: string): ReportStatus {
    const r = this.reports.get(siteId);
    if (!r) return 'missing';
    return r.late ? 'late' : 'submitted';
  }

  siteReport(siteId: string, now: string): SiteReportView {
    const sub = this.reports.get(siteId) ?? null;
    const beforeDeadline = !!this.request && now <= this.request.deadline;
    return {
      request: this.request,
      status: this.reportStatus(siteId),
      submission: sub,
      mayAmend: !!this.request && (beforeDeadline || !sub),
      lastRemindedAt: this.reminded.get(siteId) ?? null,
    };
  }

  board(siteIds: readonly string[], label: (siteId: string) => SiteLabel): ReportBoard {
    const counts: Record<ReportStatus, number> = { missing: 0, submitted: 0, late: 0 };
    const rows: ReportBoardRow[] = siteIds.map((siteId) => {
      const r = this.reports.get(siteId);
      const status = this.reportStatus(siteId);
      counts[status]++;
      return {
        siteId,
        ...label(siteId),
        status,
        submittedAt: r?.firstAt ?? null,
        version: r?.version ?? 0,
        lastRemindedAt: this.reminded.get(siteId) ?? null,
      };
    });
    return { request: this.request, rows, counts };
  }

  voteView(id: string, viewer: { staff: boolean; voter?: string }): VoteView | null {
    const v = this.votes.get(id);
    if (!v) return null;
    const closed = !!v.closedAt;
    const showTally = viewer.staff || closed;
    const view: VoteView = {
      id: v.id,
      itemId: v.itemId ?? null,
      question: v.question,
      options: [...v.options],
      secret: v.secret,
      openedAt: v.openedAt,
      deadline: v.deadline,
      closedAt: v.closedAt ?? null,
      expected: v.expectedSiteIds.length,
      answered: v.byVoter.size,
      tally: showTally ? [...v.tally] : null,
      ballots:
        showTally && !v.secret
          ? [...v.bySite].map(([siteId, b]) => ({ siteId, option: b.option, at: b.at }))
          : null,
    };
    if (viewer.voter !== undefined) view.yourAnswer = v.byVoter.get(viewer.voter) ?? null;
    return view;
  }

  documentViews(staff: boolean): MeetingDocumentView[] {
    return [...this.documents.values()].map((d) => ({
      id: d.id,
      name: d.name,
      itemId: d.itemId ?? null,
      file: d.file,
      attachedAt: d.attachedAt,
      ...(staff ? { openedBy: [...d.opens].map(([siteId, o]) => ({ siteId, ...o })) } : {}),
    }));
  }

  opinionViews(): OpinionView[] {
    return [...this.opinions.values()];
  }
}
