import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api';
import { renderWith } from '../test/fixtures';
import { PasswordForm } from './PasswordForm';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;
const type = (testId: string, value: string) =>
  fireEvent.change(field(testId), { target: { value } });

describe('PasswordForm', () => {
  it('labels three password fields for the browser’s password manager', () => {
    renderWith(<PasswordForm onDone={() => {}} />);
    const fields = [
      ['password-current', 'Mật khẩu hiện tại', 'current-password'],
      ['password-new', 'Mật khẩu mới (ít nhất 8 ký tự)', 'new-password'],
      ['password-repeat', 'Nhập lại mật khẩu mới', 'new-password'],
    ] as const;
    for (const [testId, label, autoComplete] of fields) {
      expect(screen.getByLabelText(label)).toBe(field(testId));
      expect(field(testId).type).toBe('password');
      expect(field(testId).required).toBe(true);
      expect(field(testId).autocomplete).toBe(autoComplete);
    }
  });

  it('refuses a short or mismatched new password, then changes it and empties the fields', async () => {
    const change = vi
      .spyOn(ApiClient.prototype, 'changePassword')
      .mockResolvedValue({ endedSessions: 2 });
    renderWith(<PasswordForm onDone={() => {}} />);
    type('password-current', 'old-password-1');
    type('password-new', 'short');
    type('password-repeat', 'short');
    fireEvent.click(screen.getByTestId('password-submit'));
    expect(screen.getByRole('alert').textContent).toBe('Mật khẩu mới cần ít nhất 8 ký tự.');
    type('password-new', 'new-password-1');
    type('password-repeat', 'new-password-2');
    fireEvent.click(screen.getByTestId('password-submit'));
    expect(screen.getByRole('alert').textContent).toBe('Hai lần nhập mật khẩu mới không khớp.');
    type('password-repeat', 'new-password-1');
    fireEvent.click(screen.getByTestId('password-submit'));
    await screen.findByRole('status');
    expect(change).toHaveBeenCalledWith('old-password-1', 'new-password-1');
    await waitFor(() => expect(field('password-current').value).toBe(''));
    expect(field('password-new').value).toBe('');
    expect(field('password-repeat').value).toBe('');
  });
});
