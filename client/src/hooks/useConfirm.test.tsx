import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWith } from '../test/fixtures';
import { useConfirm } from './useConfirm';

afterEach(cleanup);

/** A screen with one risky button; every answer lands in `answers`. */
function Harness({ answers }: { answers: boolean[] }) {
  const confirm = useConfirm();
  const ask = (title: string) =>
    void confirm
      .ask({ title, body: 'Không hoàn tác được.', confirmLabel: title, testId: 'q' })
      .then((ok) => answers.push(ok));
  return (
    <>
      <button type="button" onClick={() => ask('Tắt micrô tất cả')}>
        first
      </button>
      <button type="button" onClick={() => ask('Kết thúc cuộc họp')}>
        second
      </button>
      {confirm.dialog}
    </>
  );
}

const flush = () => act(async () => {});

describe('useConfirm', { timeout: 30_000 }, () => {
  it('starts on Cancel (a stray Enter does nothing) and names the action on the button', async () => {
    const answers: boolean[] = [];
    renderWith(<Harness answers={answers} />);
    fireEvent.click(screen.getByText('first'));
    const dialog = screen.getByTestId('q');
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(document.activeElement).toBe(screen.getByTestId('confirm-cancel'));
    expect(screen.getByTestId('confirm-ok').textContent).toBe('Tắt micrô tất cả');
    fireEvent.click(screen.getByTestId('confirm-ok'));
    await flush();
    expect(answers).toEqual([true]);
    expect(screen.queryByTestId('q')).toBeNull();
  });

  it('Escape and Cancel answer no', async () => {
    const answers: boolean[] = [];
    renderWith(<Harness answers={answers} />);
    fireEvent.click(screen.getByText('first'));
    fireEvent.keyDown(window, { key: 'Escape' });
    await flush();
    fireEvent.click(screen.getByText('first'));
    fireEvent.click(screen.getByTestId('confirm-cancel'));
    await flush();
    expect(answers).toEqual([false, false]);
    expect(screen.queryByTestId('q')).toBeNull();
  });

  it('a second question answers the first one no, never yes', async () => {
    const answers: boolean[] = [];
    renderWith(<Harness answers={answers} />);
    fireEvent.click(screen.getByText('first'));
    fireEvent.click(screen.getByText('second'));
    await flush();
    expect(answers).toEqual([false]);
    expect(screen.getByTestId('confirm-ok').textContent).toBe('Kết thúc cuộc họp');
    fireEvent.click(screen.getByTestId('confirm-ok'));
    await flush();
    expect(answers).toEqual([false, true]);
  });
});
