// The counter-examples the property suite found, shrunk by fast-check, each a named regression
// (each failed on the code before its fix; see /work/notes/issue-8.md → "Counter-examples").

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Step } from './briefingModel';
import { type Directory, makeDirectory, runBriefing } from './domainWorld';

let dir: Directory;
beforeAll(async () => {
  dir = await makeDirectory();
});
afterEach(() => {
  vi.useRealTimers();
});

const start: Step = { t: 'transition', as: 'chair', to: 'in_session' };

describe('counter-examples found by the property suite', () => {
  it('1. mute all in an open-mics meeting: the board shows each site muted (presence carries mic)', async () => {
    const r = await runBriefing(dir, [start, { t: 'muteAll', as: 'chair' }], { openMics: true });
    expect(r).toBeNull();
  });

  it('2. a site opening the media room does not give the snapshot a media node no push carries', async () => {
    expect(await runBriefing(dir, [start, { t: 'lobbyTab', site: 0 }])).toBeNull();
  });

  it('3. a site in the meeting when a roll-call starts is asked to answer (its own entry is pushed)', async () => {
    const steps: Step[] = [
      start,
      { t: 'join', site: 0, lobby: false },
      { t: 'rollCall', as: 'secretary', deadlineSeconds: 5 },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it("4. a site's lobby tab is never told its mic is allowed while its live tab holds the floor", async () => {
    const steps: Step[] = [
      start,
      { t: 'lobbyTab', site: 1 },
      { t: 'join', site: 1, lobby: false },
      { t: 'grant', as: 'chair', site: 1, limitSeconds: 0 },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it('5. adjourning closes the open roll-call for everyone (rollcall:closed is pushed)', async () => {
    const steps: Step[] = [
      start,
      { t: 'rollCall', as: 'chair', deadlineSeconds: 5 },
      { t: 'transition', as: 'chair', to: 'adjourned' },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it("6. a site's lobby tab is not shown the chair's ask-to-unmute meant for its live tab", async () => {
    const steps: Step[] = [
      start,
      { t: 'join', site: 1, lobby: false },
      { t: 'lobbyTab', site: 1 },
      { t: 'grant', as: 'chair', site: 1, limitSeconds: 0 },
      { t: 'askUnmute', as: 'chair', site: 1 },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it("7. (this change's own first fix got it wrong) the roll-call's deadline still closes it on every board", async () => {
    const steps: Step[] = [
      start,
      { t: 'rollCall', as: 'secretary', deadlineSeconds: 5 },
      { t: 'expire' },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it('8. closing the meeting tells the staff that every producer is gone', async () => {
    const steps: Step[] = [
      start,
      { t: 'transition', as: 'chair', to: 'adjourned' },
      { t: 'join', site: 2, lobby: false },
      { t: 'produceMic', site: 2 },
      { t: 'transition', as: 'chair', to: 'closed' },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it('9. a push written before the ack of an older snapshot is not lost (re-applied on top of it)', async () => {
    const steps: Step[] = [
      start,
      { t: 'join', site: 0, lobby: false },
      { t: 'join', site: 1, lobby: false },
      { t: 'grant', as: 'chair', site: 0, limitSeconds: 0 },
      {
        t: 'together',
        a: { t: 'join', site: 0, lobby: true },
        b: { t: 'grant', as: 'chair', site: 1, limitSeconds: 0 },
      },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it('10. a leave while the join is being recorded leaves no site "connected" without a socket', async () => {
    const steps: Step[] = [
      start,
      { t: 'join', site: 2, lobby: true },
      {
        t: 'together',
        a: { t: 'join', site: 2, lobby: false },
        b: { t: 'leave', site: 2 },
      },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });

  it('10b. a socket lost while its join is being recorded is recorded as gone', async () => {
    const steps: Step[] = [
      start,
      { t: 'join', site: 3, lobby: true },
      {
        t: 'together',
        a: { t: 'join', site: 3, lobby: false },
        b: { t: 'drop', who: { site: 3 } },
      },
    ];
    expect(await runBriefing(dir, steps)).toBeNull();
  });
});
