import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clickWhenEnabled,
  fakeSession,
  meeting,
  meetingState,
  renderWith,
  request,
} from '../test/fixtures';
import { FloorQueuePanel } from './FloorQueuePanel';

afterEach(cleanup);

const queue = [
  request('00004', 'Phường Ba Đình', 'i2'),
  request('00008', 'Phường Ngọc Hà'),
  request('00025', 'Phường Giảng Võ', 'i1'),
];

describe('FloorQueuePanel (chair)', { timeout: 30_000 }, () => {
  it('lists the queue in the server order with places and agenda items', () => {
    const fake = fakeSession(
      meetingState({
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<FloorQueuePanel />, { session: fake.session });
    const entries = screen.getAllByTestId(/^queue-entry-/);
    // No item is current: requests on items listed apart from general remarks; the numbers are
    // the queue's order ("next" follows it).
    expect(entries.map((e) => [e.dataset.testid, e.dataset.section])).toEqual([
      ['queue-entry-00004', 'other'],
      ['queue-entry-00025', 'other'],
      ['queue-entry-00008', 'general'],
    ]);
    expect(entries[0]!.textContent).toContain('1');
    expect(entries[0]!.textContent).toContain('Báo cáo kinh tế');
    expect(entries[2]!.textContent).toContain('2');
    expect(screen.getByTestId('queue-section-general').textContent).toContain('Ý kiến chung');
    expect(screen.getByTestId('floor-holder').textContent).toContain('Chưa có ai phát biểu');
  });

  it('grants, reorders and passes to the next speaker through the session', async () => {
    const fake = fakeSession(
      meetingState({
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<FloorQueuePanel />, { session: fake.session });
    await clickWhenEnabled('grant-floor-00008');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:grant', { siteId: '00008' }));
    await clickWhenEnabled('queue-up-00025');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('floor:reorder', {
        siteIds: ['00004', '00025', '00008'],
      }),
    );
    await clickWhenEnabled('floor-next');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:next', {}));
    // The first entry cannot move up, the last cannot move down.
    expect((screen.getByTestId('queue-up-00004') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('queue-down-00025') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the holder with the speaking timer and revokes', async () => {
    const grantedAt = new Date(Date.now() - 250_000).toISOString();
    const holder = {
      siteId: '00070',
      siteName: 'Phường Hoàn Kiếm',
      grantedAt,
      limitSeconds: 300,
      endsAt: new Date(Date.parse(grantedAt) + 300_000).toISOString(),
    };
    const fake = fakeSession(
      meetingState({
        floor: {
          holder,
          queue: [],
          spotlight: { kind: 'site', siteId: '00070' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<FloorQueuePanel />, { session: fake.session });
    expect(screen.getByTestId('floor-holder').textContent).toContain('Phường Hoàn Kiếm');
    expect(screen.getByTestId('speaking-timer').dataset.state).toBe('warning');
    expect(screen.getByTestId('speaking-timer').textContent).toContain(
      'Sắp hết thời gian phát biểu',
    );
    expect(screen.getByTestId('floor-queue-empty')).toBeTruthy();
    await clickWhenEnabled('revoke-floor');
    await waitFor(() => expect(fake.act).toHaveBeenCalledWith('floor:revoke', {}));
  });

  it('shows a translated error when the hub refuses', async () => {
    const fake = fakeSession(
      meetingState({
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    fake.act.mockRejectedValueOnce(Object.assign(new Error('x'), { code: 'INVALID_STATE' }));
    renderWith(<FloorQueuePanel />, { session: fake.session, lang: 'en' });
    fireEvent.click(screen.getByTestId('grant-floor-00004'));
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'Not possible in the meeting’s current state.',
    );
  });

  it("keeps general remarks apart from the current item's requests", () => {
    const fake = fakeSession(
      meetingState({
        meeting: meeting({ currentItemId: 'i2' }),
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<FloorQueuePanel />, { session: fake.session });
    const section = (k: string) =>
      [...screen.getByTestId(`queue-section-${k}`).querySelectorAll('li')].map(
        (li) => li.dataset.testid,
      );
    expect(screen.getByTestId('queue-section-item').textContent).toContain(
      'Về nội dung đang thảo luận: Báo cáo kinh tế',
    );
    expect(section('item')).toEqual(['queue-entry-00004']);
    expect(section('other')).toEqual(['queue-entry-00025']);
    expect(section('general')).toEqual(['queue-entry-00008']);
  });

  it("declines a site's request through the session (the site is told)", async () => {
    const fake = fakeSession(
      meetingState({
        floor: {
          holder: null,
          queue,
          spotlight: { kind: 'chair' },
          serverTime: '2026-11-26T01:30:00.000Z',
        },
      }),
    );
    renderWith(<FloorQueuePanel />, { session: fake.session });
    expect(screen.getByTestId('decline-floor-00025').textContent).toBe('Từ chối');
    await clickWhenEnabled('decline-floor-00025');
    await waitFor(() =>
      expect(fake.act).toHaveBeenCalledWith('floor:decline', { siteId: '00025' }),
    );
  });
});
