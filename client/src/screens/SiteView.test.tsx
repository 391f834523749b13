import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clickWhenEnabled,
  fakeSession,
  meeting,
  meetingState,
  noDevices,
  renderWith,
  request,
} from '../test/fixtures';
import { SiteView } from './SiteView';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/**
 * The countdown reads the local clock: a test that takes "now" for the grant and then renders
 * reads a second less on a machine that stalled a second in between (4:00 → 3:59). The clock
 * stands still instead (only Date: React's own timers stay real).
 */
const freezeClock = () => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });

const siteState = (extra: Parameters<typeof meetingState>[0] = {}) =>
  meetingState({
    you: {
      role: 'site',
      accountId: 'a4',
      name: 'Phường Ba Đình',
      siteId: '00004',
      peerId: 'site:00004:x',
      micAllowed: false,
      mic: { allowed: false, muted: false, unmute: 'none' },
    },
    micAllowed: false,
    ...extra,
  });

describe('SiteView', { timeout: 30_000 }, () => {
  it('requests the floor on the chosen agenda item and shows the place in the queue', async () => {
    const fake = fakeSession(siteState());
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    fireEvent.change(screen.getByTestId('request-floor-item'), { target: { value: 'i2' } });
    await clickWhenEnabled('request-floor');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:request', { itemId: 'i2' }));
    // The hub's answer arrives as a floor update: two sites ahead of us.
    act(() =>
      fake.push({
        floor: {
          holder: null,
          queue: [
            request('00008', 'Ngọc Hà'),
            request('00025', 'Giảng Võ'),
            request('00004', 'Ba Đình', 'i2'),
          ],
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    expect(screen.getByTestId('floor-status').dataset.place).toBe('3');
    expect(screen.getByTestId('floor-status').textContent).toContain('Vị trí trong hàng chờ: 3');
    await clickWhenEnabled('cancel-floor');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:cancel', {}));
  });

  it('keeps the mic closed until the hub allows it, and says why', () => {
    const fake = fakeSession(siteState());
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('mic-state').dataset.mic).toBe('off');
    expect(screen.getByTestId('mic-state').textContent).toContain('chỉ mở khi được phát biểu');
    expect((screen.getByTestId('toggle-mic') as HTMLButtonElement).disabled).toBe(true);
    act(() => fake.push({ micAllowed: true, askedToUnmute: true }));
    expect(screen.getByTestId('asked-to-unmute')).toBeTruthy();
    expect((screen.getByTestId('toggle-mic') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows the roll-call prompt and answers with the headcount', async () => {
    const rc = {
      id: 'rc1',
      startedAt: new Date().toISOString(),
      startedBy: 'sec',
      deadline: new Date(Date.now() + 60_000).toISOString(),
      expectedSiteIds: [],
      answers: [],
    };
    const fake = fakeSession(siteState({ rollCall: rc }));
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    fireEvent.change(screen.getByTestId('rollcall-headcount'), { target: { value: '12' } });
    await clickWhenEnabled('rollcall-answer');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('rollcall:answer', {
        rollCallId: 'rc1',
        headcount: 12,
      }),
    );
  });

  it('shows that this site holds the floor', () => {
    const holder = {
      siteId: '00004',
      siteName: 'Phường Ba Đình',
      grantedAt: new Date().toISOString(),
      limitSeconds: 0,
    };
    const fake = fakeSession(
      siteState({
        floor: {
          holder,
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
        micAllowed: true,
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session, lang: 'en' });
    expect(screen.getByTestId('floor-status').dataset.state).toBe('holder');
    expect(screen.getByTestId('floor-status').textContent).toContain('Your site has the floor');
    // Its own video is not shown as the spotlight on its own screen.
    expect(screen.queryByTestId('video-spotlight')).toBeNull();
    expect(screen.getByTestId('video-chair')).toBeTruthy();
  });

  it('names the spotlighted site (not its code) for the sites that do not hold the floor', () => {
    const grantedAt = new Date().toISOString();
    const fake = fakeSession(
      siteState({
        floor: {
          holder: null,
          queue: [],
          spotlight: { kind: 'site', siteId: '00008' },
          serverTime: '2026-11-26T01:30:00.000Z',
          spotlightSiteName: 'Phường Ngọc Hà',
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    const tile = () => screen.getByTestId('video-spotlight-tile').textContent ?? '';
    expect(tile()).toContain('Phường Ngọc Hà');
    expect(tile()).not.toContain('00008');
    // The holder on the big screen is named as the one speaking.
    act(() =>
      fake.push({
        floor: {
          holder: { siteId: '00025', siteName: 'Phường Giảng Võ', grantedAt, limitSeconds: 0 },
          queue: [],
          spotlight: { kind: 'site', siteId: '00025' },
          serverTime: '2026-11-26T01:30:00.000Z',
          spotlightSiteName: 'Phường Giảng Võ',
        },
      }),
    );
    expect(tile()).toContain('Đang phát biểu: Phường Giảng Võ');
  });

  const holderAt = (agoMs: number, limitSeconds = 300) => {
    const grantedAt = new Date(Date.now() - agoMs).toISOString();
    return {
      siteId: '00004',
      siteName: 'Phường Ba Đình',
      grantedAt,
      limitSeconds,
      endsAt: new Date(Date.parse(grantedAt) + limitSeconds * 1000).toISOString(),
    };
  };

  it('shows the speaking site its countdown, with a warning before the limit', () => {
    freezeClock();
    const fake = fakeSession(
      siteState({
        micAllowed: true,
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: holderAt(60_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    const countdown = () => screen.getByTestId('speaking-countdown');
    expect(countdown().dataset.state).toBe('ok');
    expect(countdown().textContent).toContain('Thời gian còn lại: 4:00');
    act(() =>
      fake.push({
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: holderAt(255_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
        },
      }),
    );
    expect(countdown().dataset.state).toBe('warning');
    expect(countdown().textContent).toContain('Sắp hết giờ — còn 0:45');
    expect(countdown().getAttribute('role')).toBe('alert');
  });

  it('counts down in server time, not the local clock', () => {
    freezeClock();
    const fake = fakeSession(
      siteState({
        micAllowed: true,
        // The local clock is 2 minutes behind the hub: 4:00 left by the hub, not 6:00.
        serverOffsetMs: 120_000,
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: holderAt(-60_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('speaking-countdown').textContent).toContain('còn lại: 4:00');
  });

  it('tells a floor holder muted by the chair that the chair muted it, not that it lacks the floor', () => {
    const fake = fakeSession(
      siteState({
        micAllowed: false,
        mutedAt: Date.now(),
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: holderAt(10_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    const text = screen.getByTestId('mic-state').textContent ?? '';
    expect(text).toContain('Chủ trì đã tắt micrô');
    expect(text).not.toContain('chỉ mở khi được phát biểu');
  });

  it('asks the site to accept an ask-to-unmute with one click, and never opens the mic itself', async () => {
    const fake = fakeSession(
      siteState({
        micAllowed: false,
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: holderAt(10_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.queryByTestId('asked-to-unmute')).toBeNull();
    act(() => fake.push({ askedToUnmute: true }));
    const prompt = screen.getByTestId('asked-to-unmute');
    expect(prompt.textContent).toContain('Chủ trì đề nghị điểm cầu phát biểu');
    expect(fake.session.setMic).not.toHaveBeenCalled();
    expect(fake.session.acceptUnmute).not.toHaveBeenCalled();
    await clickWhenEnabled('accept-unmute');
    await waitFor(() => expect(fake.session.acceptUnmute).toHaveBeenCalledTimes(1));
  });

  it('files a general remark under no item, and defaults to the item being discussed', async () => {
    const fake = fakeSession(siteState({ meeting: meeting({ currentItemId: 'i2' }) }));
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    const select = screen.getByTestId('request-floor-item') as HTMLSelectElement;
    expect(select.value).toBe('i2');
    expect(select.selectedOptions[0]!.textContent).toBe('Báo cáo kinh tế (đang thảo luận)');
    fireEvent.change(select, { target: { value: '' } });
    await clickWhenEnabled('request-floor');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:request', {}));
  });

  it('shows the end screen when the meeting closes, and the removed screen when removed', () => {
    const fake = fakeSession(siteState());
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('request-floor')).toBeTruthy();
    act(() =>
      fake.push({
        meeting: meeting({
          state: 'closed',
          transitions: [
            { from: 'adjourned', to: 'closed', at: '2026-11-26T03:30:00.000Z', by: 'acc_chair' },
          ],
        }),
      }),
    );
    const end = screen.getByTestId('meeting-ended');
    expect(end.dataset.reason).toBe('ended');
    expect(end.textContent).toContain('Cuộc họp đã kết thúc');
    // Vietnamese date and time (Asia/Ho_Chi_Minh is not assumed: the time is in the browser's zone).
    expect(end.textContent).toMatch(/Kết thúc lúc .*26\/11\/2026/);
    expect(screen.queryByTestId('request-floor')).toBeNull();
    expect(screen.queryByTestId('video-chair')).toBeNull();
    cleanup();
    const removed = fakeSession(siteState({ removed: {} }));
    renderWith(<SiteView devices={noDevices} />, { session: removed.session });
    expect(screen.getByTestId('meeting-ended').dataset.reason).toBe('removed');
    expect(screen.getByTestId('meeting-ended').textContent).toContain('được mời rời cuộc họp');
  });

  it("shows the speaker's camera as off for the other sites, not its frozen last frame", () => {
    const grantedAt = new Date().toISOString();
    const fake = fakeSession(
      siteState({
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: { siteId: '00025', siteName: 'Phường Giảng Võ', grantedAt, limitSeconds: 0 },
          queue: [],
          spotlight: { kind: 'site', siteId: '00025' },
          spotlightSiteName: 'Phường Giảng Võ',
        },
        producers: [
          {
            producerId: 'v25',
            peerId: 'site:00025:s',
            kind: 'video',
            source: 'camera',
            paused: true,
          },
        ],
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('video-spotlight-tile').dataset.video).toBe('cameraOff');
    expect(screen.getByTestId('video-spotlight-placeholder').textContent).toContain(
      'Phường Giảng Võ đã tắt máy quay',
    );
  });

  it('tells the site the chair declined its request, until it asks again', async () => {
    const fake = fakeSession(siteState());
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.queryByTestId('floor-declined')).toBeNull();
    act(() => fake.push({ declined: { reason: 'Đã đủ ý kiến', at: 0 } }));
    const notice = screen.getByTestId('floor-declined').textContent ?? '';
    expect(notice).toContain('Chủ trì đã từ chối yêu cầu phát biểu');
    expect(notice).toContain('Đã đủ ý kiến');
    // It may ask again at once.
    expect((screen.getByTestId('request-floor') as HTMLButtonElement).disabled).toBe(false);
    act(() => fake.push({ declined: null }));
    expect(screen.queryByTestId('floor-declined')).toBeNull();
  });

  it("lets the site's own mic button accept the chair's ask-to-unmute too", async () => {
    const fake = fakeSession(
      siteState({
        micAllowed: false,
        askedToUnmute: true,
        floor: {
          holder: holderAt(10_000),
          queue: [],
          spotlight: { kind: 'site', siteId: '00004' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    await clickWhenEnabled('toggle-mic');
    await waitFor(() => expect(fake.session.acceptUnmute).toHaveBeenCalledTimes(1));
    expect(fake.session.setMic).not.toHaveBeenCalled();
  });

  it('tells the site it is being recorded while the chair records', () => {
    const fake = fakeSession(siteState());
    renderWith(<SiteView devices={noDevices} />, { session: fake.session });
    expect(screen.queryByTestId('recording-indicator')).toBeNull();
    act(() =>
      fake.push({
        meeting: meeting({
          recording: { on: true, since: '2026-11-26T08:05:00.000Z', segments: 1 },
        }),
      }),
    );
    expect(screen.getByTestId('recording-indicator').textContent).toBe('Đang ghi hình');
  });
});
