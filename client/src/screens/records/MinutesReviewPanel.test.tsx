import type { MinutesReviewView } from '@giaoban/shared';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../api';
import { renderWith } from '../../test/fixtures';
import { MinutesReviewPanel } from './MinutesReviewPanel';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const view: MinutesReviewView = {
  review: { version: 0 },
  locked: false,
  defaults: {
    chairName: 'Nguyễn Văn Chủ Trì',
    secretaryName: 'Trần Thị Thư Ký',
    closingText: 'Cuộc họp kết thúc vào lúc …',
    items: [{ id: 'i1', number: 1, title: 'Kinh tế - xã hội', held: true }],
  },
};

async function openPanel() {
  vi.spyOn(ApiClient.prototype, 'minutesReview').mockResolvedValue(view);
  const save = vi.spyOn(ApiClient.prototype, 'saveMinutesReview').mockResolvedValue(view);
  renderWith(<MinutesReviewPanel meetingId="m1" />);
  await screen.findByTestId('review');
  return save;
}
const add = () => fireEvent.click(screen.getByTestId('review-add-participant'));
const type = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('MinutesReviewPanel: participants', () => {
  it('puts a missing name on the row it is about, even below a blank row', async () => {
    const save = await openPanel();
    add();
    add();
    // Row 1 is left blank (not sent); row 2 has a position but no name.
    type('review-participant-title-1', 'Giám đốc Sở Nội vụ');
    fireEvent.click(screen.getByTestId('review-save'));
    expect(screen.getByTestId('review-error-participants.1.name').textContent).toContain(
      'Đại biểu 2 — Họ và tên',
    );
    expect(screen.queryByTestId('review-error-participants.0.name')).toBeNull();
    expect(save).not.toHaveBeenCalled();
  });

  it("removes one row with its 'Xóa' button; the other rows keep their text, no stale message", async () => {
    const save = await openPanel();
    add();
    add();
    type('review-participant-title-0', 'Giám đốc Sở Tài chính');
    type('review-participant-name-1', 'Lê Văn Đại Biểu');
    fireEvent.click(screen.getByTestId('review-save'));
    expect(screen.getByTestId('review-error-participants.0.name')).toBeTruthy();
    const remove = screen.getByTestId('review-participant-remove-0');
    expect(remove.textContent).toBe('Xóa');
    expect(remove.getAttribute('aria-label')).toBe('Xóa đại biểu 1');
    fireEvent.click(remove);
    expect(screen.queryByTestId('review-participant-1')).toBeNull();
    expect((screen.getByTestId('review-participant-name-0') as HTMLInputElement).value).toBe(
      'Lê Văn Đại Biểu',
    );
    // The message was about the removed row: it goes with it.
    expect(screen.queryByTestId('review-error-participants.0.name')).toBeNull();
    fireEvent.click(screen.getByTestId('review-save'));
    await waitFor(() =>
      expect(save).toHaveBeenCalledWith('m1', {
        participants: [{ name: 'Lê Văn Đại Biểu' }],
        expectedVersion: 0,
      }),
    );
  });
});
