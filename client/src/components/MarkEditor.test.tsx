import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWith, row } from '../test/fixtures';
import { headcountToSend, MarkEditor } from './MarkEditor';

afterEach(cleanup);

describe('MarkEditor headcount', { timeout: 30_000 }, () => {
  it("does not turn the site's roll-call headcount into the secretary's by saving a note", async () => {
    const onSave = vi.fn(async () => ({}));
    const r = row('00004', 'Phường Ba Đình', 'on_time', {
      headcount: 12,
      headcountSource: 'rollcall',
    });
    renderWith(<MarkEditor row={r} onSave={onSave} onClose={() => {}} />);
    expect((screen.getByTestId('mark-headcount') as HTMLInputElement).value).toBe('12');
    expect(screen.getByTestId('mark-headcount-source')).toBeTruthy();
    fireEvent.change(screen.getByTestId('mark-note'), { target: { value: 'Đường truyền yếu' } });
    fireEvent.click(screen.getByTestId('mark-save'));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    const input = (onSave.mock.calls[0] as unknown as [Record<string, unknown>])[0];
    expect(input).toMatchObject({ note: 'Đường truyền yếu' });
    expect(input).not.toHaveProperty('headcount');
  });

  it('sends a changed headcount, and null to clear her own', () => {
    const fromRollCall = { headcount: 12, headcountSource: 'rollcall' as const };
    const fromMark = { headcount: 20, headcountSource: 'mark' as const };
    expect(headcountToSend(fromRollCall, 12)).toEqual({});
    expect(headcountToSend(fromRollCall, 15)).toEqual({ headcount: 15 });
    expect(headcountToSend(fromRollCall, undefined)).toEqual({});
    expect(headcountToSend(fromMark, 20)).toEqual({ headcount: 20 });
    expect(headcountToSend(fromMark, undefined)).toEqual({ headcount: null });
    expect(headcountToSend({}, 3)).toEqual({ headcount: 3 });
  });

  it('asks for the reason of an absence "with reason" and sends nothing without it', async () => {
    const onSave = vi.fn(async () => ({}));
    renderWith(
      <MarkEditor
        row={row('00070', 'Phường Hoàn Kiếm', 'absent_without_reason')}
        onSave={onSave}
        onClose={() => {}}
      />,
    );
    fireEvent.change(screen.getByTestId('mark-status'), {
      target: { value: 'absent_with_reason' },
    });
    expect(screen.getByTestId('mark-reason-required').textContent).toBe(
      'Lý do vắng: bắt buộc nhập.',
    );
    const save = screen.getByTestId('mark-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('mark-reason'), { target: { value: 'Trực bão' } });
    expect(screen.queryByTestId('mark-reason-required')).toBeNull();
    fireEvent.click(save);
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    expect((onSave.mock.calls[0] as unknown as [Record<string, unknown>])[0]).toMatchObject({
      mark: 'absent_with_reason',
      absenceReason: 'Trực bão',
    });
  });
});
