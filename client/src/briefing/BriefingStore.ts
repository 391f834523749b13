import type {
  BriefingView,
  OpinionView,
  ReportBoard,
  SiteReportView,
  VoteView,
} from '@giaoban/shared';
import { Emitter } from '../lib/Emitter';

/** What the briefing panels show (issue #14), kept beside the meeting state. */
export interface BriefingState {
  view: BriefingView;
  /** Staff: the report board. */
  board: ReportBoard | null;
  /** A site: its own report. */
  report: SiteReportView | null;
  loaded: boolean;
}

const BRIEFING_PUSHES = new Set([
  'vote:updated',
  'opinion:updated',
  'notice:updated',
  'documents:updated',
  'document:presented',
  'report:board',
  'report:updated',
]);

const EMPTY: BriefingState = {
  view: { votes: [], opinions: [], notice: null, documents: [], presentation: null },
  board: null,
  report: null,
  loaded: false,
};

function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const next = [...list];
  // A site's own answer comes only in its ack: a later push without it keeps it.
  next[i] = { ...list[i], ...item } as T;
  return next;
}

/**
 * Folds the briefing pushes (votes, opinions, notice, documents, presentation, reports) into one
 * immutable state for `useSyncExternalStore`; framework-free so it is tested without React.
 */
export class BriefingStore extends Emitter<{ change: [] }> {
  #state: BriefingState = EMPTY;
  /** Briefing pushes applied so far (a load is stale if one came while it was on its way). */
  #pushes = 0;

  get = (): BriefingState => this.#state;
  subscribe = (l: () => void): (() => void) => this.on('change', l);

  #set(patch: Partial<BriefingState>): void {
    this.#state = { ...this.#state, ...patch };
    this.emit('change');
  }

  /** Taken before a load is asked for; pass it to `load`. */
  mark(): number {
    return this.#pushes;
  }

  /**
   * The state as loaded over REST. With a `mark`, refused (false) when a push came after the
   * mark: the response may predate what that push changed, and would undo it.
   */
  load(
    view: BriefingView,
    extra: { board?: ReportBoard | null; report?: SiteReportView | null } = {},
    mark?: number,
  ): boolean {
    if (mark !== undefined && mark !== this.#pushes) return false;
    this.#set({ view, loaded: true, ...extra });
    return true;
  }

  setBoard(board: ReportBoard): void {
    this.#set({ board });
  }

  setReport(report: SiteReportView): void {
    this.#set({ report });
  }

  vote(v: VoteView): void {
    const prev = this.#state.view.votes.find((x) => x.id === v.id);
    const merged =
      prev && v.yourAnswer === undefined && prev.yourAnswer !== undefined
        ? { ...v, yourAnswer: prev.yourAnswer }
        : v;
    this.#set({ view: { ...this.#state.view, votes: upsert(this.#state.view.votes, merged) } });
  }

  opinion(o: OpinionView): void {
    this.#set({ view: { ...this.#state.view, opinions: upsert(this.#state.view.opinions, o) } });
  }

  /** Applies one push; other events are ignored. */
  apply(event: string, payload: unknown): void {
    const v = this.#state.view;
    if (BRIEFING_PUSHES.has(event)) this.#pushes++;
    switch (event) {
      case 'vote:updated':
        this.vote(payload as VoteView);
        break;
      case 'opinion:updated':
        this.opinion(payload as OpinionView);
        break;
      case 'notice:updated':
        this.#set({ view: { ...v, notice: (payload as Pick<BriefingView, 'notice'>).notice } });
        break;
      case 'documents:updated':
        this.#set({
          view: { ...v, documents: (payload as Pick<BriefingView, 'documents'>).documents },
        });
        break;
      case 'document:presented':
        this.#set({
          view: {
            ...v,
            presentation: (payload as Pick<BriefingView, 'presentation'>).presentation,
          },
        });
        break;
      case 'report:board':
        this.setBoard(payload as ReportBoard);
        break;
      case 'report:updated':
        this.setReport(payload as SiteReportView);
        break;
    }
  }
}
