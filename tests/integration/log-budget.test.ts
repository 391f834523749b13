// Issue #8, defect 8, through real sockets and real Redis: what one site can append to the
// meeting's permanent log is bounded. Commands that change nothing append nothing; each site has
// an append budget per minute (requests, cancels, joins, leaves, roll-call answers, media
// reports); the events route is paged.
import { LIMITS, type MeetingEventEntry } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { newBriefing, people } from '../harness/briefings';
import { ok, req, rest } from '../harness/hub';

const fx = useBriefingHub({
  seed: { maxSites: 3, siteAccounts: 0 },
  // The socket rate limit stays out of the way: the log budget is what is tested.
  env: { SOCKET_RATE_BURST: '10000', SOCKET_RATE_PER_SECOND: '10000' },
});

interface Page {
  events: MeetingEventEntry[];
  nextAfter: number | null;
}

async function allEvents(meetingId: string, token: string): Promise<MeetingEventEntry[]> {
  const out: MeetingEventEntry[] = [];
  let after = 0;
  for (;;) {
    const r = await rest<Page>(
      fx.t.url,
      'GET',
      `/api/meetings/${meetingId}/events?after=${after}&limit=200`,
      { token },
    );
    expect(r.status).toBe(200);
    out.push(...r.body.events);
    if (r.body.nextAfter === null) return out;
    after = r.body.nextAfter;
  }
}

describe('defect 8: bounded log growth', () => {
  it('bounds what a site alternating request and cancel appends', async () => {
    const b = await newBriefing(fx.t, { sites: 2, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const a = await who.site(0);
    const token = await who.token('secretary');
    const before = (await allEvents(b.meetingId, token)).length;
    let limited = 0;
    for (let i = 0; i < 150; i++) {
      for (const ev of ['floor:request', 'floor:cancel'] as const) {
        const r = await req(a.s, ev, {});
        if (!r.ok) {
          expect(r.error.code).toBe('RATE_LIMITED');
          limited++;
        }
      }
    }
    const appended = (await allEvents(b.meetingId, token)).slice(before);
    expect(appended.length).toBeLessThanOrEqual(LIMITS.siteLogBurst + 2);
    expect(limited).toBeGreaterThan(100);
  });

  it('bounds join and leave cycles of one link', async () => {
    const b = await newBriefing(fx.t, { sites: 2 });
    const who = people(fx.t, b, fx.sock);
    const a = await who.site(0);
    const token = await who.token('secretary');
    const before = (await allEvents(b.meetingId, token)).length;
    for (let i = 0; i < 60; i++) {
      await req(a.s, 'meeting:leave', {});
      await req(a.s, 'meeting:join', { meetingId: b.meetingId });
    }
    const appended = (await allEvents(b.meetingId, token)).slice(before);
    expect(appended.length).toBeLessThanOrEqual(LIMITS.siteLogBurst + 2);
  });

  it('appends nothing for commands that change nothing', async () => {
    const b = await newBriefing(fx.t, { sites: 2, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const sec = await who.staff('secretary');
    const a = await who.site(0);
    const rc = await ok(chair, 'rollcall:start', { deadlineSeconds: 60 });
    const token = await who.token('secretary');
    const seqOf = async () => (await ok(chair, 'meeting:snapshot', {})).seq;
    const once = async (fn: () => Promise<unknown>) => {
      await fn();
      const s = await seqOf();
      await fn();
      await fn();
      expect(await seqOf()).toBe(s);
    };
    await once(() => ok(chair, 'moderation:muteAll', {}));
    await once(() => ok(chair, 'moderation:mute', { siteId: a.siteId }));
    await once(() => ok(chair, 'moderation:lock', { locked: true }));
    await once(() => ok(chair, 'floor:spotlight', { spotlight: { kind: 'chair' } }));
    await once(() => ok(a.s, 'rollcall:answer', { rollCallId: rc.id, headcount: 12 }));
    await once(() => ok(chair, 'floor:grant', { siteId: a.siteId }));
    await once(() =>
      ok(sec, 'attendance:mark', { siteId: a.siteId, note: 'đủ thành phần', headcount: 12 }),
    );
    await once(() => ok(chair, 'agenda:reorder', { itemIds: b.meeting.agenda.map((x) => x.id) }));
    expect((await allEvents(b.meetingId, token)).length).toBe(await seqOf());
  });

  it('pages the events route', async () => {
    const token = await people(fx.t, { meetingId: fx.t.seed.meetingId } as never, fx.sock).token(
      'admin',
    );
    const page = await rest<Page>(
      fx.t.url,
      'GET',
      `/api/meetings/${fx.t.seed.meetingId}/events?limit=1`,
      { token },
    );
    expect(page.status).toBe(200);
    expect(page.body.events).toHaveLength(1);
    expect(page.body.events[0]!.seq).toBe(1);
    expect(page.body.nextAfter).toBe(1);
    const bad = await rest(
      fx.t.url,
      'GET',
      `/api/meetings/${fx.t.seed.meetingId}/events?limit=100000`,
      { token },
    );
    expect(bad.status).toBe(400);
  });
});
