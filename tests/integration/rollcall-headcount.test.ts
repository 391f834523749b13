// Roll-call run by the chair, and roll-call headcounts in the attendance (live board, REST table,
// CSV export): the secretary's own count wins, else the site's latest answer. Real hub and a real
// redis-server.
import type { AttendanceRow } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { type ClientSocket, exchangeInvite, login, ok, rest, waitFor } from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 4, siteAccounts: 0 } });
const { sock } = fx;

/** RFC 4180 fields of one CSV line (quotes, doubled quotes, commas inside quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('roll-call by the chair, headcounts into the attendance', () => {
  it('lets the chair start and close a roll-call; answers feed the board, the table and the CSV', async () => {
    const { meetingId, people, sites } = fx.t.seed;
    const chairTok = await login(fx.t.url, people.chair.username, people.chair.password);
    const secTok = await login(fx.t.url, people.secretary.username, people.secretary.password);
    const chair = await sock(chairTok.accessToken);
    const sec = await sock(secTok.accessToken);
    await ok(chair, 'meeting:join', { meetingId });
    await ok(sec, 'meeting:join', { meetingId });
    const siteSocks: ClientSocket[] = [];
    for (const s of sites.slice(0, 3)) {
      const so = await sock((await exchangeInvite(fx.t.url, s.inviteToken)).accessToken);
      await ok(so, 'meeting:join', { meetingId });
      siteSocks.push(so);
    }
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    const [a, b, c] = sites.map((s) => s.siteId) as [string, string, string];

    // The chair starts a roll-call; the sites are asked.
    const started = waitFor(siteSocks[0]!, 'rollcall:started');
    const rc1 = await ok(chair, 'rollcall:start', { deadlineSeconds: 120 });
    expect(rc1.startedBy).toBe(people.chair.id);
    expect((await started).id).toBe(rc1.id);

    // An answer reaches the secretary's board as the site's headcount at once.
    const rowA = waitFor(sec, 'attendance:updated', (r) => r.siteId === a);
    await ok(siteSocks[0]!, 'rollcall:answer', { rollCallId: rc1.id, headcount: 12 });
    expect(await rowA).toMatchObject({ siteId: a, headcount: 12, headcountSource: 'rollcall' });
    await ok(siteSocks[1]!, 'rollcall:answer', { rollCallId: rc1.id, headcount: 8 });
    await ok(siteSocks[2]!, 'rollcall:answer', { rollCallId: rc1.id, headcount: 5 });
    const closed = waitFor(siteSocks[0]!, 'rollcall:closed');
    expect((await ok(chair, 'rollcall:close', { rollCallId: rc1.id })).closedAt).toBeDefined();
    await closed;

    // The secretary records B's headcount herself: it wins over B's later answers.
    await ok(sec, 'attendance:mark', { siteId: b, headcount: 30 });
    const rc2 = await ok(chair, 'rollcall:start', { deadlineSeconds: 120 });
    await ok(siteSocks[0]!, 'rollcall:answer', { rollCallId: rc2.id, headcount: 14 });
    const rowB = waitFor(sec, 'attendance:updated', (r) => r.siteId === b);
    await ok(siteSocks[1]!, 'rollcall:answer', { rollCallId: rc2.id, headcount: 9 });
    expect(await rowB).toMatchObject({ headcount: 30, headcountSource: 'mark' });
    await ok(chair, 'rollcall:close', { rollCallId: rc2.id });

    const table = await rest<AttendanceRow[]>(
      fx.t.url,
      'GET',
      `/api/meetings/${meetingId}/attendance`,
      {
        token: secTok.accessToken,
      },
    );
    const byId = new Map(table.body.map((r) => [r.siteId, r]));
    expect(byId.get(a)).toMatchObject({ headcount: 14, headcountSource: 'rollcall' }); // latest
    expect(byId.get(b)).toMatchObject({ headcount: 30, headcountSource: 'mark' });
    expect(byId.get(c)).toMatchObject({ headcount: 5, headcountSource: 'rollcall' });
    expect(byId.get(sites[3]!.siteId)?.headcount).toBeUndefined();

    // The CSV export: the headcount column per site and the total of the sites present.
    const csv = await rest(fx.t.url, 'GET', `/api/meetings/${meetingId}/attendance.csv`, {
      token: secTok.accessToken,
    });
    expect(csv.status).toBe(200);
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .map(csvFields);
    const col = lines[0]!.indexOf('Số người dự');
    expect(col).toBeGreaterThan(0);
    const cell = (code: string) => lines.find((l) => l[0] === code)?.[col];
    expect([cell(a), cell(b), cell(c), cell(sites[3]!.siteId)]).toEqual(['14', '30', '5', '']);
    const total = lines.find((l) => l[0] === 'Tổng số người dự tại các điểm cầu');
    expect(total?.[1]).toBe(String(14 + 30 + 5));
  });
});
