// Random briefings of issue #14's commands (reports, documents, votes, written opinions, notice)
// from every role, through the real MeetingService + BriefingService on a MemoryStore with a fake
// clock. Each command is let through only for the roles its edge lets through (EVENT_ROLES for the
// socket commands, BRIEFING_ROUTES for REST), like the handlers and routes do. After every step
// the invariants are checked on the permanent log, where a bug would stay for good:
// - a vote counts each site (voter tag) at most once, and never more answers than sites asked;
// - a closed vote accepts nothing (no answer after its close or its deadline);
// - a secret vote's answers name no site;
// - a report submitted after the deadline is marked late on the board, one before it is not;
// - what one site appends is bounded by its log budget (siteLogBurst + siteLogPerMinute a minute),
//   and its opens of one document by the cap;
// - the projection folded again from the log equals the live one (replay = live).
import {
  type Actor,
  BRIEFING_LIMITS,
  BRIEFING_ROUTES,
  type C2SEventName,
  EVENT_ROLES,
  type FileRef,
  LIMITS,
  type MeetingEventEntry,
  type Role,
} from '@giaoban/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BriefingService } from '../../server/src/domain/briefing/BriefingService';
import { MeetingProjection } from '../../server/src/domain/MeetingProjection';
import { MeetingService } from '../../server/src/domain/MeetingService';
import { MemoryStore } from '../../server/src/store/MemoryStore';
import type { MeetingDefinition } from '../../server/src/store/Store';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const SITES = ['A', 'B', 'C'] as const;
const T0 = Date.parse('2026-11-26T01:30:00.000Z');
const M = 'm1';

type Staff = 'chair' | 'secretary' | 'observer';
type Who = Staff | { site: number };

type Step =
  | { t: 'request'; as: Who; inSeconds: number }
  | { t: 'submit'; site: number }
  | { t: 'openVote'; as: Who; secret: boolean; seconds: number }
  | { t: 'answer'; site: number; vote: number; option: number }
  | { t: 'closeVote'; as: Who; vote: number }
  | { t: 'attach'; as: Who }
  | { t: 'open'; site: number; doc: number; times: number }
  | { t: 'opinion'; site: number; times: number }
  | { t: 'read'; as: Who; opinion: number }
  | { t: 'notice'; as: Who }
  | { t: 'tick'; seconds: number }
  | { t: 'close'; as: Who };

const site = fc.integer({ min: 0, max: SITES.length - 1 });
const staff = fc.constantFrom<Staff>('chair', 'secretary', 'observer');
const actor = (usual: Staff): fc.Arbitrary<Who> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: staff },
    { weight: 1, arbitrary: site.map((i): Who => ({ site: i })) },
  );
const idx = fc.integer({ min: 0, max: 3 });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('request' as const),
      as: actor('secretary'),
      inSeconds: fc.constantFrom(-60, 30, 300),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('submit' as const), site }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('openVote' as const),
      as: actor('chair'),
      secret: fc.boolean(),
      seconds: fc.constantFrom(10, 60, 600),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('answer' as const),
      site,
      vote: idx,
      option: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('closeVote' as const), as: actor('chair'), vote: idx }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('attach' as const), as: actor('secretary') }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('open' as const),
      site,
      doc: idx,
      times: fc.integer({ min: 1, max: 25 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('opinion' as const),
      site,
      times: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('read' as const), as: actor('secretary'), opinion: idx }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('notice' as const), as: actor('chair') }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      seconds: fc.constantFrom(1, 20, 61, 400),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close' as const), as: actor('chair') }) },
);

const def: MeetingDefinition = {
  id: M,
  title: 'Giao ban tháng 11',
  scheduledStart: new Date(T0).toISOString(),
  chairId: 'chair',
  secretaryId: 'sec',
  siteIds: [...SITES],
  agenda: [
    { id: 'i1', order: 0, title: 'Khai mạc', presenterSiteIds: [], plannedMinutes: 5 },
    { id: 'i2', order: 1, title: 'Báo cáo', presenterSiteIds: [], plannedMinutes: 20 },
  ],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 120,
  openMics: false,
  issuingBody: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
  place: 'Hà Nội',
  createdAt: new Date(T0 - 86_400_000).toISOString(),
};

const ACTORS: Record<Staff, Actor> = {
  chair: { id: 'chair', role: 'chair', name: 'Chủ trì' },
  secretary: { id: 'sec', role: 'secretary', name: 'Thư ký' },
  observer: { id: 'obs', role: 'observer', name: 'Quan sát' },
};
const actorOf = (w: Who): Actor =>
  typeof w === 'string'
    ? ACTORS[w]
    : { id: `site:${SITES[w.site]}`, role: 'site', name: SITES[w.site]! };

const routeRoles = (method: string, path: string): readonly Role[] => {
  const r = BRIEFING_ROUTES.find((x) => x.method === method && x.path === path);
  if (!r) throw new Error(`no route ${method} ${path}`);
  return r.roles;
};
/** What the edge (socket handler / route) lets through for this role. */
const mayCall = (role: Role, edge: C2SEventName | [string, string]) =>
  (typeof edge === 'string' ? EVENT_ROLES[edge] : routeRoles(...edge)).includes(role);

const file = (n: number): FileRef => ({
  key: `sha256/ab/${'ab'.padEnd(64, String(n % 10))}`,
  sha256: 'ab'.padEnd(64, String(n % 10)),
  size: 1000 + n,
  kind: 'pdf',
  mediaType: 'application/pdf',
  name: `tai-lieu-${n}.pdf`,
});

class World {
  now = T0 - 10 * 60_000;
  readonly clock = { now: () => this.now };
  readonly store = new MemoryStore();
  readonly meetings = new MeetingService(this.store, this.clock);
  readonly briefing = new BriefingService(this.meetings, this.clock, 'property-ballot-key');
  /** Ids the steps pick from by index. */
  votes: string[] = [];
  docs: string[] = [];
  opinions: string[] = [];
  attached = 0;

  async setUp() {
    await this.store.putUnits(
      SITES.map((c) => ({
        code: c,
        tier: 'ward' as const,
        name: c,
        fullName: `Phường ${c}`,
        kind: 'Phường',
        parentCode: '01',
      })),
    );
    await this.meetings.create(def);
    await this.meetings.transition(M, ACTORS.secretary, 'scheduled');
    await this.meetings.transition(M, ACTORS.chair, 'open');
    for (const s of SITES)
      await this.meetings.siteJoin(M, actorOf({ site: SITES.indexOf(s) }), s, `c${s}`, 'n1');
    this.now = T0;
    await this.meetings.transition(M, ACTORS.chair, 'in_session');
  }

  iso = () => new Date(this.now).toISOString();

  /** Runs one step; refusals (typed HubErrors) are part of the path and ignored here. */
  async run(step: Step): Promise<void> {
    const attempt = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        if (!(e instanceof Error) || !('code' in e)) throw e;
      }
    };
    switch (step.t) {
      case 'request': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, ['put', '/api/meetings/:id/reports/request'])) return;
        const deadline = new Date(Math.floor((this.now + step.inSeconds * 1000) / 1000) * 1000);
        return attempt(() =>
          this.briefing.requestReports(M, a, {
            deadline: deadline.toISOString(),
            template: 'Báo cáo tháng 11',
            fields: [{ id: 'f1', label: 'Thu ngân sách', required: false }],
          }),
        );
      }
      case 'submit': {
        const a = actorOf({ site: step.site });
        if (!mayCall(a.role, ['put', '/api/meetings/:id/reports/mine'])) return;
        return attempt(() =>
          this.briefing.submitReport(M, a, SITES[step.site]!, {
            text: `Báo cáo lúc ${this.iso()}`,
            fields: { f1: '100' },
            files: [],
          }),
        );
      }
      case 'openVote': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, 'vote:open')) return;
        return attempt(async () => {
          const v = await this.briefing.openVote(M, a, {
            question: 'Thông qua?',
            secret: step.secret,
            durationSeconds: step.seconds,
            itemId: 'i2',
          });
          this.votes.push(v.id);
        });
      }
      case 'answer': {
        const a = actorOf({ site: step.site });
        if (!mayCall(a.role, 'vote:answer')) return;
        const voteId = this.votes[step.vote % Math.max(1, this.votes.length)] ?? 'no-such-vote';
        return attempt(() =>
          this.briefing.answerVote(M, a, SITES[step.site]!, voteId, step.option),
        );
      }
      case 'closeVote': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, 'vote:close')) return;
        const voteId = this.votes[step.vote % Math.max(1, this.votes.length)] ?? 'no-such-vote';
        return attempt(() => this.briefing.closeVote(M, a, voteId));
      }
      case 'attach': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, ['post', '/api/meetings/:id/documents'])) return;
        const n = this.attached++;
        return attempt(async () => {
          const d = await this.briefing.attachDocument(M, a, `tai-lieu-${n}.pdf`, file(n), 'i2');
          this.docs.push(d.id);
        });
      }
      case 'open': {
        const a = actorOf({ site: step.site });
        if (!mayCall(a.role, ['get', '/api/meetings/:id/documents/:docId/file'])) return;
        const docId = this.docs[step.doc % Math.max(1, this.docs.length)] ?? 'no-such-doc';
        for (let i = 0; i < step.times; i++)
          await attempt(() => this.briefing.documentOpened(M, a, docId, SITES[step.site]!));
        return;
      }
      case 'opinion': {
        const a = actorOf({ site: step.site });
        if (!mayCall(a.role, 'opinion:send')) return;
        for (let i = 0; i < step.times; i++)
          await attempt(async () => {
            const o = await this.briefing.sendOpinion(M, a, SITES[step.site]!, `Ý kiến ${i}`, 'i2');
            this.opinions.push(o.id);
          });
        return;
      }
      case 'read': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, 'opinion:read')) return;
        const id = this.opinions[step.opinion % Math.max(1, this.opinions.length)] ?? 'none';
        return attempt(() => this.briefing.markOpinion(M, a, id, true));
      }
      case 'notice': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, 'notice:set')) return;
        return attempt(() => this.briefing.setNotice(M, a, 'Chuẩn bị ý kiến'));
      }
      case 'tick':
        this.now += step.seconds * 1000;
        return;
      case 'close': {
        const a = actorOf(step.as);
        if (!mayCall(a.role, 'meeting:transition')) return;
        return attempt(() => this.meetings.transition(M, a, 'closed'));
      }
    }
  }

  log(): Promise<MeetingEventEntry[]> {
    return this.store.readEvents(M, 0);
  }
}

/** Every broken invariant, in words. */
async function violations(w: World): Promise<string[]> {
  const out: string[] = [];
  const log = await w.log();
  // Votes: once per voter tag, not after close or deadline, no site on secret answers.
  const votes = new Map<
    string,
    { secret: boolean; deadline: string; expected: number; closed: boolean; voters: Set<string> }
  >();
  let closedAt: string | null = null;
  for (const e of log) {
    if (e.type === 'state' && e.data.to === 'closed') closedAt = e.at;
    if (e.type === 'vote.open')
      votes.set(e.data.voteId, {
        secret: e.data.secret,
        deadline: e.data.deadline,
        expected: e.data.expectedSiteIds.length,
        closed: false,
        voters: new Set(),
      });
    if (e.type === 'vote.close') {
      const v = votes.get(e.data.voteId);
      if (v) v.closed = true;
    }
    if (e.type === 'vote.answer') {
      const v = votes.get(e.data.voteId);
      if (!v) out.push(`answer ${e.seq} to a vote never opened`);
      else {
        if (v.voters.has(e.data.voter)) out.push(`vote ${e.data.voteId}: voter counted twice`);
        v.voters.add(e.data.voter);
        if (v.voters.size > v.expected) out.push(`vote ${e.data.voteId}: more answers than sites`);
        if (v.closed) out.push(`vote ${e.data.voteId}: answer ${e.seq} after its close`);
        if (e.at > v.deadline) out.push(`vote ${e.data.voteId}: answer ${e.seq} after deadline`);
        if (v.secret && (e.data.siteId !== undefined || e.actor.id.startsWith('site:')))
          out.push(`secret vote ${e.data.voteId}: answer ${e.seq} names its site`);
      }
    }
    if (closedAt && e.type === 'vote.answer') out.push(`answer ${e.seq} after the meeting closed`);
  }
  // Reports: late exactly when first submitted after the deadline in force then.
  const board = await w.briefing.getBoard(M);
  let deadline: string | null = null;
  const first = new Map<string, { at: string; deadline: string }>();
  for (const e of log) {
    if (e.type === 'report.request') deadline = e.data.deadline;
    if (e.type === 'report.submit' && !first.has(e.data.siteId) && deadline)
      first.set(e.data.siteId, { at: e.at, deadline });
  }
  for (const row of board.rows) {
    const f = first.get(row.siteId);
    if (!f) {
      if (row.status !== 'missing') out.push(`${row.siteId}: ${row.status} without a report`);
      continue;
    }
    const lateNow = f.at > (board.request?.deadline ?? f.deadline);
    if (row.status === 'missing') out.push(`${row.siteId}: submitted but shown missing`);
    if (lateNow && row.status !== 'late') out.push(`${row.siteId}: after the deadline, not late`);
    if (!lateNow && row.status === 'late') out.push(`${row.siteId}: on time, shown late`);
  }
  // Budgets: in any stretch of time, what one site appended by its own commands stays within its
  // log budget (a bucket of siteLogBurst refilled at siteLogPerMinute a minute).
  const SITE_CAUSED = new Set(['opinion.send', 'document.open', 'report.submit', 'vote.answer']);
  for (const s of SITES) {
    const own = log.filter(
      (e) => SITE_CAUSED.has(e.type) && 'siteId' in e.data && e.data.siteId === s,
    );
    const at = own.map((e) => Date.parse(e.at));
    for (let i = 0; i < at.length; i++)
      for (let j = i + LIMITS.siteLogBurst; j < at.length; j++) {
        const bound =
          LIMITS.siteLogBurst + Math.floor((LIMITS.siteLogPerMinute * (at[j]! - at[i]!)) / 60_000);
        if (j - i + 1 > bound) {
          out.push(`${s}: ${j - i + 1} entries in ${(at[j]! - at[i]!) / 1000} s, budget ${bound}`);
          i = at.length;
          break;
        }
      }
    const opens = new Map<string, number>();
    for (const e of own)
      if (e.type === 'document.open') opens.set(e.data.docId, (opens.get(e.data.docId) ?? 0) + 1);
    for (const [doc, n] of opens)
      if (n > BRIEFING_LIMITS.documentOpensPerSite)
        out.push(`${s}: ${n} opens of ${doc}, cap ${BRIEFING_LIMITS.documentOpensPerSite}`);
  }
  // Replay = live: the briefing views folded again from the log equal the service's.
  const replay = new MeetingProjection(
    def,
    new Map(SITES.map((s) => [s, { code: s, name: `Phường ${s}` }])),
  );
  for (const e of log) replay.apply(e);
  const live = await w.briefing.get(M, { staff: true });
  const again = w.briefing.view(replay, M, { staff: true });
  if (JSON.stringify(again) !== JSON.stringify(live)) out.push('replayed briefing view differs');
  return out;
}

describe('random briefings keep the #14 invariants (reports, votes, opinions, documents)', () => {
  it(`holds after every step of ${RUNS} random sequences`, async () => {
    let steps = 0;
    /** What the runs reached (a suite whose commands are all refused would prove nothing). */
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 8, maxLength: 40 }), async (seq) => {
        const w = new World();
        await w.setUp();
        for (const [i, step] of seq.entries()) {
          await w.run(step);
          steps++;
          const bad = await violations(w);
          if (bad.length) throw new Error(`step ${i} ${JSON.stringify(step)}: ${bad.join(' | ')}`);
        }
        for (const e of await w.log()) seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
        const board = await w.briefing.getBoard(M);
        for (const r of board.rows)
          seen.set(`board.${r.status}`, (seen.get(`board.${r.status}`) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    expect(steps).toBeGreaterThan(RUNS);
    console.log(`property (#14): ${RUNS} sequences, ${steps} steps`, Object.fromEntries(seen));
    for (const t of ['vote.open', 'vote.answer', 'vote.close', 'report.submit', 'document.open'])
      expect(seen.get(t) ?? 0, t).toBeGreaterThan(0);
    for (const t of ['opinion.send', 'opinion.read', 'notice.set', 'board.late', 'board.submitted'])
      expect(seen.get(t) ?? 0, t).toBeGreaterThan(0);
  }, 600_000);
});
