import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OpinionForm } from '../components/opinions/OpinionsPanel';
import { VotePanel } from '../components/votes/VotePanel';
import { fakeSession, meeting, meetingState, renderWith } from '../test/fixtures';

afterEach(cleanup);

// Item 2 ("Báo cáo kinh tế") is in progress.
const live = (role: 'chair' | 'site') =>
  fakeSession(
    meetingState({
      meeting: meeting({ state: 'in_session', currentItemId: 'i2' }),
      you: { ...meetingState().you, role },
    }),
  );

describe('votes and written opinions on any agenda item, not only the current one (issue #14)', () => {
  it('a ward writes on another item than the one in progress, or a general opinion', async () => {
    const f = live('site');
    renderWith(<OpinionForm />, { session: f.session });
    const pick = screen.getByTestId('opinion-item') as HTMLSelectElement;
    expect(pick.value).toBe('i2');
    expect(pick.textContent).toContain('Báo cáo kinh tế (đang diễn ra)');
    fireEvent.change(pick, { target: { value: 'i1' } });
    fireEvent.change(screen.getByTestId('opinion-text'), {
      target: { value: 'Ý kiến về khai mạc' },
    });
    await act(async () => fireEvent.click(screen.getByTestId('opinion-submit')));
    expect(f.act).toHaveBeenCalledWith('opinion:send', {
      text: 'Ý kiến về khai mạc',
      itemId: 'i1',
    });

    fireEvent.change(pick, { target: { value: '' } });
    fireEvent.change(screen.getByTestId('opinion-text'), { target: { value: 'Ý kiến chung' } });
    await act(async () => fireEvent.click(screen.getByTestId('opinion-submit')));
    expect(f.act).toHaveBeenLastCalledWith('opinion:send', { text: 'Ý kiến chung' });
  });

  it('the chair puts a question on an earlier item to the vote', async () => {
    const f = live('chair');
    renderWith(<VotePanel viewer="chair" />, { session: f.session });
    const pick = screen.getByTestId('vote-item') as HTMLSelectElement;
    expect(pick.value).toBe('i2');
    fireEvent.change(pick, { target: { value: 'i1' } });
    fireEvent.change(screen.getByTestId('vote-question'), {
      target: { value: 'Thông qua chương trình?' },
    });
    await act(async () => fireEvent.click(screen.getByTestId('vote-start')));
    expect(f.act).toHaveBeenCalledWith(
      'vote:open',
      expect.objectContaining({ question: 'Thông qua chương trình?', itemId: 'i1' }),
    );
  });

  it('follows the current item until the user picks one', async () => {
    const f = live('chair');
    renderWith(<VotePanel viewer="chair" />, { session: f.session });
    act(() => f.push({ meeting: meeting({ state: 'in_session', currentItemId: 'i1' }) }));
    expect((screen.getByTestId('vote-item') as HTMLSelectElement).value).toBe('i1');
  });
});
