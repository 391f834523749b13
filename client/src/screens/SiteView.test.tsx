import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clickWhenEnabled,
  fakeSession,
  meetingState,
  noDevices,
  renderWith,
  request,
} from '../test/fixtures';
import { SiteView } from './SiteView';

afterEach(cleanup);

const siteState = (extra: Parameters<typeof meetingState>[0] = {}) =>
  meetingState({
    you: {
      role: 'site',
      accountId: 'a4',
      name: 'Phường Ba Đình',
      siteId: '00004',
      peerId: 'site:00004:x',
      micAllowed: false,
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
        floor: { holder, queue: [], spotlight: { kind: 'site', siteId: '00004' } },
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
          spotlightSiteName: 'Phường Giảng Võ',
        },
      }),
    );
    expect(tile()).toContain('Đang phát biểu: Phường Giảng Võ');
  });
});
