import type { InvitationView } from '@giaoban/shared';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api';
import { renderWith } from '../test/fixtures';
import { InvitationManager } from './InvitationManager';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const link = (siteId: string, expiresAt: string): InvitationView => ({
  id: `inv-${siteId}`,
  meetingId: 'm1',
  siteId,
  siteName: `Phường ${siteId}`,
  createdAt: '2026-12-01T01:00:00.000Z',
  expiresAt,
  singleBrowser: false,
  activeSessions: 0,
  uses: { total: 0, recent: [] },
});
const day = 24 * 3600_000;
const records = [
  link('00004', new Date(Date.now() + 7 * day).toISOString()),
  link('00008', new Date(Date.now() - day).toISOString()),
];

describe('InvitationManager', () => {
  it('shows until when each link works, in Vietnamese date format, and an expired one as expired', async () => {
    vi.spyOn(ApiClient.prototype, 'invitationRecords').mockResolvedValue(records);
    renderWith(<InvitationManager meetingId="m1" autoLoad />);
    await screen.findByTestId('invitation-records-m1');
    expect(screen.getByRole('columnheader', { name: 'Hiệu lực đến' })).toBeTruthy();
    const until = new Date(Date.parse(records[0]!.expiresAt));
    const p = (n: number) => String(n).padStart(2, '0');
    expect(screen.getByTestId('invitation-expires-00004').textContent).toBe(
      `${p(until.getHours())}:${p(until.getMinutes())} ${p(until.getDate())}/${p(until.getMonth() + 1)}/${until.getFullYear()}`,
    );
    expect(screen.getByTestId('invitation-row-00004').textContent).toContain('Đang dùng được');
    expect(screen.getByTestId('invitation-row-00008').textContent).toContain('Đã hết hạn');
    expect(screen.getByTestId('invitation-row-00008').textContent).not.toContain('Đang dùng được');
  });

  it('says the same in English', async () => {
    vi.spyOn(ApiClient.prototype, 'invitationRecords').mockResolvedValue(records);
    renderWith(<InvitationManager meetingId="m1" autoLoad />, { lang: 'en' });
    await screen.findByTestId('invitation-records-m1');
    expect(screen.getByRole('columnheader', { name: 'Valid until' })).toBeTruthy();
    expect(screen.getByTestId('invitation-row-00008').textContent).toContain('Expired');
  });
});
