import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWith } from '../test/fixtures';
import { FilePicker } from './FilePicker';

afterEach(cleanup);

describe('FilePicker', () => {
  it('speaks the page’s language, not the browser’s, and names the chosen file', () => {
    const onChange = vi.fn();
    renderWith(
      <FilePicker label="Chọn tệp PDF đã ký" accept=".pdf" testId="f" onChange={onChange} />,
    );
    const input = screen.getByTestId('f') as HTMLInputElement;
    // The native input is the field its label names (screen readers, keyboard, tests).
    expect(screen.getByLabelText('Chọn tệp PDF đã ký')).toBe(input);
    expect(input.type).toBe('file');
    expect(screen.getByText('Chọn tệp…')).toBeTruthy();
    expect(screen.getByText('Chưa chọn tệp nào')).toBeTruthy();
    const file = new File(['%PDF-1.7'], 'BienBan-da-ky.pdf', { type: 'application/pdf' });
    fireEvent.change(input, { target: { files: [file] } });
    expect(screen.getByText('BienBan-da-ky.pdf')).toBeTruthy();
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('leaves the name out where the screen lists what was attached', () => {
    renderWith(<FilePicker label="Đính kèm tệp" accept=".pdf" testId="f" showChosen={false} />);
    expect(screen.queryByText('Chưa chọn tệp nào')).toBeNull();
  });
});
