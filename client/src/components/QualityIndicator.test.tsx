import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSession, meetingState, renderWith } from '../test/fixtures';
import { QualityIndicator } from './QualityIndicator';

afterEach(cleanup);

describe('QualityIndicator', { timeout: 30_000 }, () => {
  it('shows the measured quality while connected, and "no connection" (not "good") after a drop', () => {
    const fake = fakeSession(meetingState());
    renderWith(<QualityIndicator />, { session: fake.session });
    const el = () => screen.getByTestId('connection-quality');
    expect(el().dataset.level).toBe('good');
    expect(el().textContent).toContain('Tốt');
    act(() => fake.setConnection({ status: 'reconnecting', attempt: 2 }));
    expect(el().dataset.level).toBe('offline');
    expect(el().textContent).toContain('Không có kết nối');
    expect(el().textContent).not.toContain('Tốt');
    act(() => fake.setConnection({ status: 'connected' }));
    expect(el().dataset.level).toBe('good');
  });
});
