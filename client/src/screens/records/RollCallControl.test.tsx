import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSession, meeting, meetingState, renderWith, row } from '../../test/fixtures';
import { RollCallControl } from './RollCallControl';

afterEach(cleanup);

// Seven invited wards, four connected: the count is of the seven, not of the four.
const codes = ['00001', '00002', '00003', '00004', '00005', '00006', '00007'];
const rows = codes.map((c, i) =>
  row(c, `Phường Số ${i + 1}`, i < 4 ? 'on_time' : 'absent_without_reason', { connected: i < 4 }),
);
const state = () => meetingState({ attendance: rows, meeting: meeting({ siteIds: codes }) });

describe('RollCallControl', () => {
  it('starts with a chosen deadline and refuses one out of bounds, naming the limit', async () => {
    const fake = fakeSession(state());
    renderWith(<RollCallControl canRun />, { session: fake.session });
    expect(screen.getByTestId('rollcall-panel').textContent).toContain('4/7');
    fireEvent.click(screen.getByTestId('rollcall-preset-120'));
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('rollcall:start', { deadlineSeconds: 120 }),
    );
    const submit = screen.getByTestId('rollcall-start') as HTMLButtonElement;
    await waitFor(() => expect(submit.disabled).toBe(false));
    fireEvent.change(screen.getByTestId('rollcall-duration'), { target: { value: '7200' } });
    fireEvent.click(submit);
    expect(screen.getByTestId('rollcall-error').textContent).toBe(
      'Thời hạn điểm danh: từ 5 giây đến 60 phút.',
    );
    expect(fake.act).toHaveBeenCalledTimes(1);
    // A new attempt clears the old message.
    fireEvent.change(screen.getByTestId('rollcall-duration'), { target: { value: '45' } });
    fireEvent.click(screen.getByTestId('rollcall-start'));
    expect(screen.queryByTestId('rollcall-error')).toBeNull();
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('rollcall:start', { deadlineSeconds: 45 }),
    );
  });

  it("does not count a removed site among the invited (the board's count and the roll-call's agree)", () => {
    const withRemoved = rows.map((r, i) => (i === 6 ? { ...r, removed: true } : r));
    const fake = fakeSession(
      meetingState({ attendance: withRemoved, meeting: meeting({ siteIds: codes }) }),
    );
    renderWith(<RollCallControl canRun />, { session: fake.session });
    expect(screen.getByTestId('rollcall-panel').textContent).toContain('4/6');
  });

  it('counts answers against the invited sites and sums up when it ends', () => {
    const fake = fakeSession(state());
    renderWith(<RollCallControl canRun />, { session: fake.session });
    const now = Date.now();
    const rollCall = {
      id: 'rc1',
      startedAt: new Date(now).toISOString(),
      startedBy: 'acc_chair',
      deadline: new Date(now + 60_000).toISOString(),
      expectedSiteIds: codes.slice(0, 4),
      answers: [
        { siteId: '00001', headcount: 12, at: new Date(now + 1000).toISOString() },
        { siteId: '00002', headcount: 8, at: new Date(now + 2000).toISOString() },
      ],
    };
    act(() => fake.push({ rollCall }));
    const results = screen.getByTestId('rollcall-results');
    expect(results.dataset.open).toBe('true');
    expect(results.textContent).toContain('2/7 điểm cầu được mời đã xác nhận');
    expect(results.textContent).toContain('4 điểm cầu đang kết nối khi bắt đầu');

    act(() =>
      fake.push({ rollCall: { ...rollCall, closedAt: new Date(now + 30_000).toISOString() } }),
    );
    expect(results.dataset.open).toBe('false');
    expect(screen.getByTestId('rollcall-summary').textContent).toBe(
      [
        'Có mặt: 2 điểm cầu (20 người)',
        'Đang kết nối nhưng không xác nhận: 2 điểm cầu',
        'Không kết nối: 3 điểm cầu',
      ].join(''),
    );
    expect(results.textContent).toMatch(/kết thúc lúc \d\d:\d\d: 2\/7 điểm cầu được mời/);
    expect(screen.getByTestId('rollcall-silent').textContent).toContain('Phường Số 3');
    expect(screen.getByTestId('rollcall-offline').textContent).toContain('Phường Số 7');
  });

  it('keeps the controls in place but disabled once the meeting ended', () => {
    const fake = fakeSession(state());
    renderWith(<RollCallControl canRun disabled />, { session: fake.session });
    expect((screen.getByTestId('rollcall-start') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('rollcall-preset-60') as HTMLButtonElement).disabled).toBe(true);
  });
});
