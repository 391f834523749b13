import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clickWhenEnabled,
  fakeSession,
  meeting,
  meetingState,
  noDevices,
  renderWith,
  request,
  row,
} from '../test/fixtures';
import { ChairConsole } from './ChairConsole';

afterEach(cleanup);

// 126 wards: every 10th not connected (every 20th never joined, the others dropped), every 7th
// (connected) without video.
const joinAt = '2026-11-26T08:00:00.000Z';
const rows = Array.from({ length: 126 }, (_, i) => {
  const code = String(i + 1).padStart(5, '0');
  const connected = i % 10 !== 0;
  const neverJoined = i % 20 === 0;
  return row(
    code,
    i === 5 ? 'Phường Hoàn Kiếm' : `Xã Số ${i + 1}`,
    connected ? 'on_time' : 'absent_without_reason',
    {
      connected,
      intervals: neverJoined
        ? []
        : [connected ? { joinAt } : { joinAt, leaveAt: '2026-11-26T08:10:00.000Z' }],
      media: { audio: 'paused', video: connected && i % 7 !== 0 ? 'live' : 'none' },
    },
  );
});

const tiles = () => screen.queryAllByTestId(/^site-tile-/);

describe('ChairConsole grid', { timeout: 30_000 }, () => {
  it('pages 126 sites 24 at a time', () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    expect(tiles()).toHaveLength(24);
    expect(screen.getByTestId('page-indicator').textContent).toBe('Trang 1/6');
    for (let i = 0; i < 5; i++) fireEvent.click(screen.getByTestId('page-next'));
    expect(screen.getByTestId('page-indicator').textContent).toBe('Trang 6/6');
    expect(tiles()).toHaveLength(6);
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true);
  });

  it('filters dropped, not joined yet, no video and requested, with counts on the buttons', () => {
    const queue = [request('00002', 'Xã Số 2'), request('00003', 'Xã Số 3')];
    const fake = fakeSession(
      meetingState({
        attendance: rows,
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    fireEvent.click(screen.getByTestId('tile-filter-dropped'));
    expect(tiles()).toHaveLength(6);
    expect(tiles().every((t) => t.dataset.presence === 'dropped')).toBe(true);
    fireEvent.click(screen.getByTestId('tile-filter-notJoined'));
    expect(tiles()).toHaveLength(7);
    expect(screen.getByTestId('tile-filter-notJoined').textContent).toContain('7');
    expect(tiles().every((t) => t.dataset.connected === 'false')).toBe(true);
    fireEvent.click(screen.getByTestId('tile-filter-noVideo'));
    expect(tiles().every((t) => t.dataset.connected === 'true')).toBe(true);
    expect(screen.getByTestId('tile-filter-noVideo').textContent).toContain(String(tiles().length));
    fireEvent.click(screen.getByTestId('tile-filter-requested'));
    expect(tiles().map((t) => t.dataset.siteId)).toEqual(['00002', '00003']);
    expect(tiles()[0]!.dataset.requested).toBe('true');
    expect(within(tiles()[0]!).getByText(/Xin phát biểu/)).toBeTruthy();
  });

  it('searches by name without diacritics and resets to page 1', () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    fireEvent.click(screen.getByTestId('page-next'));
    fireEvent.change(screen.getByTestId('tile-search'), { target: { value: 'hoan kiem' } });
    expect(tiles().map((t) => t.dataset.siteId)).toEqual(['00006']);
    expect(screen.getByTestId('page-indicator').textContent).toBe('Trang 1/1');
  });

  it('sends moderation actions for a tile and mute all', async () => {
    const fake = fakeSession(
      meetingState({
        attendance: rows,
        floor: {
          holder: { siteId: '00002', siteName: 'Xã Số 2', grantedAt: joinAt, limitSeconds: 0 },
          queue: [],
          spotlight: { kind: 'chair' },
          serverTime: joinAt,
        },
      }),
    );
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    // Ask-to-unmute is for the floor holder only (the hub refuses others: NOT_FLOOR_HOLDER).
    expect((screen.getByTestId('ask-unmute-00003') as HTMLButtonElement).disabled).toBe(true);
    await clickWhenEnabled('mute-00002');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('moderation:mute', { siteId: '00002' }),
    );
    await clickWhenEnabled('ask-unmute-00002');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('moderation:askUnmute', { siteId: '00002' }),
    );
    await clickWhenEnabled('tile-grant-00003');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:grant', { siteId: '00003' }));
    await clickWhenEnabled('mute-all');
    fireEvent.click(within(screen.getByTestId('confirm-mute-all')).getByTestId('confirm-ok'));
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('moderation:muteAll', {}));
    await clickWhenEnabled('lock-meeting');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('moderation:lock', { locked: true }));
  });

  it('highlights the active speaker and the floor holder', () => {
    const grantedAt = new Date().toISOString();
    const fake = fakeSession(
      meetingState({
        attendance: rows,
        activeSpeakerPeerId: 'site:00002:sock',
        floor: {
          holder: { siteId: '00003', siteName: 'Xã Số 3', grantedAt, limitSeconds: 0 },
          queue: [],
          spotlight: { kind: 'site', siteId: '00003' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('site-tile-00002').dataset.speaking).toBe('true');
    expect(screen.getByTestId('site-tile-00003').dataset.holder).toBe('true');
    expect(screen.getByTestId('chair-spotlight').dataset.siteId).toBe('00003');
  });

  it('starts and closes a roll-call from the toolbar', async () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    await clickWhenEnabled('rollcall-start');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('rollcall:start', { deadlineSeconds: 60 }),
    );
    const now = Date.now();
    act(() =>
      fake.push({
        rollCall: {
          id: 'rc1',
          startedAt: new Date(now).toISOString(),
          startedBy: 'acc_chair',
          deadline: new Date(now + 60_000).toISOString(),
          expectedSiteIds: ['00002', '00003'],
          answers: [],
        },
      }),
    );
    expect(screen.getByTestId('rollcall-progress').textContent).toContain('0/2');
    await clickWhenEnabled('rollcall-close');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('rollcall:close', { rollCallId: 'rc1' }),
    );
  });

  it('reorders the agenda with every item in the new order', async () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    expect((screen.getByTestId('agenda-up-i1') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('agenda-down-i2') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('agenda-up-i2').getAttribute('aria-label')).toBe(
      'Chuyển lên: Báo cáo kinh tế',
    );
    await clickWhenEnabled('agenda-up-i2');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('agenda:reorder', { itemIds: ['i2', 'i1'] }),
    );
  });

  it('never calls a ward that never joined "disconnected", and shows connected 113/126 with the missing list', () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    // Site 00001 never joined, 00011 dropped.
    expect(screen.getByTestId('tile-presence-00001').textContent).toBe('Chưa vào họp');
    expect(screen.getByTestId('tile-presence-00011').textContent).toBe('Mất kết nối');
    expect(screen.getByTestId('site-tile-00001').textContent).not.toContain('Mất kết nối');
    expect(screen.getByTestId('connected-count').textContent).toBe('Đã kết nối 113/126');
    fireEvent.click(screen.getByTestId('missing-sites-toggle'));
    expect(screen.getByTestId('missing-sites-toggle').textContent).toContain('13');
    expect(screen.getByTestId('missing-dropped').textContent).toContain('Mất kết nối (6)');
    expect(screen.getByTestId('missing-notJoined').textContent).toContain('Chưa vào họp (7)');
    expect(screen.getByTestId('missing-notJoined').textContent).toContain('Xã Số 21');
  });

  it('asks before mute all, remove and close; "cancel" sends nothing', async () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    await clickWhenEnabled('mute-all');
    fireEvent.click(within(screen.getByTestId('confirm-mute-all')).getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-mute-all')).toBeNull());
    await clickWhenEnabled('remove-00002');
    const dialog = screen.getByTestId('confirm-remove');
    expect(dialog.textContent).toContain('Xã Số 2');
    fireEvent.click(within(dialog).getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-remove')).toBeNull());
    expect(fake.act).not.toHaveBeenCalled();
    await clickWhenEnabled('remove-00002');
    fireEvent.click(within(screen.getByTestId('confirm-remove')).getByTestId('confirm-ok'));
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('moderation:remove', { siteId: '00002' }),
    );
    // Ending the meeting from "in session": one click, one confirmation, adjourn then close.
    await clickWhenEnabled('transition-closed');
    expect(screen.getByTestId('confirm-close').textContent).toContain('Kết thúc cuộc họp?');
    fireEvent.click(within(screen.getByTestId('confirm-close')).getByTestId('confirm-ok'));
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('meeting:transition', { to: 'closed' }),
    );
    const transitions = fake.act.mock.calls.filter((c) => c[0] === 'meeting:transition');
    expect(transitions.map((c) => c[1])).toEqual([{ to: 'adjourned' }, { to: 'closed' }]);
  });

  it('disables the controls that no longer apply once the meeting is closed', () => {
    const fake = fakeSession(
      meetingState({ attendance: rows, meeting: meeting({ state: 'closed' }) }),
    );
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    for (const id of ['mute-all', 'lock-meeting', 'share-screen', 'mute-00002']) {
      expect((screen.getByTestId(id) as HTMLButtonElement).disabled, id).toBe(true);
    }
    expect(screen.getByTestId('chair-ended').textContent).toContain('Cuộc họp đã kết thúc');
    expect(screen.queryByTestId('transition-closed')).toBeNull();
    // The briefing panels offer nothing the hub would refuse (seen in Chromium: an empty vote
    // form and a notice box under "Cuộc họp đã kết thúc").
    // Nor a roll-call to start ('Chọn thời hạn để bắt đầu điểm danh' read wrong after the close).
    for (const id of [
      'vote-start',
      'vote-question',
      'notice-input',
      'notice-send',
      'rollcall-start',
      'rollcall-preset-60',
    ]) {
      expect(screen.queryByTestId(id), id).toBeNull();
    }
    expect(screen.getByTestId('vote-none').textContent).toBe('Không có biểu quyết nào.');
  });

  it('offers the vote and the notice while the meeting runs', () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    // A long title cut in the header is still readable whole (hover).
    expect(screen.getByTestId('page-title').getAttribute('title')).toBe('Giao ban tháng 11');
    for (const id of ['vote-start', 'notice-send']) expect(screen.getByTestId(id), id).toBeTruthy();
  });

  it("shows the holder's camera as off in the spotlight, not its last frame as speaking", () => {
    const grantedAt = new Date().toISOString();
    const fake = fakeSession(
      meetingState({
        attendance: rows,
        floor: {
          serverTime: '2026-11-26T01:30:00.000Z',
          holder: { siteId: '00003', siteName: 'Xã Số 3', grantedAt, limitSeconds: 0 },
          queue: [],
          spotlight: { kind: 'chair' },
        },
        producers: [
          {
            producerId: 'p3',
            peerId: 'site:00003:sock',
            kind: 'video',
            source: 'camera',
            paused: false,
          },
        ],
      }),
    );
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    expect(screen.getByTestId('video-spotlight-tile').dataset.video).toBe('waiting');
    act(() =>
      fake.push({
        producers: [
          {
            producerId: 'p3',
            peerId: 'site:00003:sock',
            kind: 'video',
            source: 'camera',
            paused: true,
          },
        ],
      }),
    );
    expect(screen.getByTestId('video-spotlight-tile').dataset.video).toBe('cameraOff');
    expect(screen.getByTestId('video-spotlight-placeholder').textContent).toContain(
      'Xã Số 3 đã tắt máy quay',
    );
    expect(screen.getByTestId('video-spotlight').dataset.hasTrack).toBe('false');
  });

  it('starts recording with one click and stops it after a confirmation; the indicator follows', async () => {
    const fake = fakeSession(meetingState({ attendance: rows }));
    renderWith(<ChairConsole devices={noDevices} />, { session: fake.session });
    expect(screen.queryByTestId('recording-indicator')).toBeNull();
    expect(screen.getByTestId('record-toggle').textContent).toBe('Bắt đầu ghi hình');
    await clickWhenEnabled('record-toggle');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('recording:set', { on: true }));
    act(() =>
      fake.push({
        meeting: meeting({
          recording: { on: true, since: '2026-11-26T08:05:00.000Z', segments: 1 },
        }),
      }),
    );
    expect(screen.getByTestId('recording-indicator').textContent).toBe('Đang ghi hình');
    expect(screen.getByTestId('record-toggle').textContent).toBe('Dừng ghi hình');
    await clickWhenEnabled('record-toggle');
    fireEvent.click(within(screen.getByTestId('confirm-record-stop')).getByTestId('confirm-ok'));
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('recording:set', { on: false }));
    // The hub stopped it (archive disk full): the chair is told why.
    act(() =>
      fake.push({
        meeting: meeting({
          recording: {
            on: false,
            since: '2026-11-26T08:05:00.000Z',
            stoppedAt: '2026-11-26T08:30:00.000Z',
            stopReason: 'disk_full',
            segments: 1,
          },
        }),
      }),
    );
    const ind = screen.getByTestId('recording-indicator');
    expect(ind.dataset.reason).toBe('disk_full');
    expect(ind.textContent).toContain('ổ đĩa lưu trữ đầy');
  });
});
