import type { ReportBoard } from '@giaoban/shared';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWith } from '../../test/fixtures';
import { PrepareReports } from './PrepareReports';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const empty: ReportBoard = {
  request: null,
  rows: [
    {
      siteId: '00004',
      code: '00004',
      name: 'Phường Ba Đình',
      status: 'missing',
      submittedAt: null,
      version: 0,
      lastRemindedAt: null,
    },
  ],
  counts: { missing: 1, submitted: 0, late: 0 },
};

/** The hub's report routes over a stubbed fetch; records what was sent. */
function stubHub() {
  const sent: Array<{ method: string; path: string; body: unknown }> = [];
  let board = empty;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const path = new URL(url).pathname;
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      sent.push({ method, path, body });
      if (method === 'PUT' && path.endsWith('/reports/request')) {
        board = {
          ...board,
          request: { ...body, requestedAt: '2026-12-01T01:00:00.000Z' },
        };
      }
      return new Response(JSON.stringify(board), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return sent;
}

describe('asking for reports while the meeting is prepared (issue #14)', () => {
  it('the secretary asks from the meeting card, before the meeting opens', async () => {
    const sent = stubHub();
    renderWith(<PrepareReports meetingId="m1" state="scheduled" viewer="secretary" />);
    act(() => fireEvent.click(screen.getByTestId('prepare-reports-m1')));
    await waitFor(() => expect(screen.getByTestId('report-ask')).toBeTruthy());
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/api/meetings/m1/reports' });
    fireEvent.change(screen.getByTestId('report-date'), { target: { value: '05/12/2026' } });
    fireEvent.change(screen.getByTestId('report-time'), { target: { value: '16:30' } });
    fireEvent.change(screen.getByTestId('report-fields'), {
      target: { value: 'Thu ngân sách *\nKiến nghị' },
    });
    await act(async () => fireEvent.click(screen.getByTestId('report-ask')));
    await waitFor(() => expect(screen.getByTestId('report-counts')).toBeTruthy());
    const put = sent.find((r) => r.method === 'PUT');
    expect(put).toMatchObject({
      path: '/api/meetings/m1/reports/request',
      body: {
        // 16:30 in Hà Nội is 09:30Z.
        deadline: '2026-12-05T09:30:00.000Z',
        fields: [
          { id: 'f1', label: 'Thu ngân sách', required: true },
          { id: 'f2', label: 'Kiến nghị', required: false },
        ],
      },
    });
    // The board it answered is shown (no live session to push it).
    expect(screen.getByTestId('report-counts').textContent).toContain('Chưa nộp: 1');
    expect(screen.getByTestId('report-row-00004').dataset.status).toBe('missing');
  });

  it('the chair reads the board and the compiled report before the meeting, without asking', async () => {
    stubHub();
    renderWith(<PrepareReports meetingId="m1" state="scheduled" viewer="chair" />);
    expect(screen.getByTestId('prepare-reports-m1').textContent).toContain('báo cáo tổng hợp');
    act(() => fireEvent.click(screen.getByTestId('prepare-reports-m1')));
    await waitFor(() => expect(screen.getByTestId('report-board')).toBeTruthy());
    expect(screen.queryByTestId('report-ask')).toBeNull();
    expect(screen.getByTestId('report-board').textContent).toContain('Chưa yêu cầu báo cáo');
  });

  it('is offered to the secretary and the admin to ask before the meeting opens', () => {
    stubHub();
    const offered = (
      state: 'draft' | 'scheduled' | 'open' | 'closed',
      viewer: 'admin' | 'secretary' | 'chair' | 'site',
    ) => {
      renderWith(<PrepareReports meetingId="m1" state={state} viewer={viewer} />);
      const shown = screen.queryByTestId('prepare-reports-m1') !== null;
      cleanup();
      return shown;
    };
    expect(offered('draft', 'admin')).toBe(true);
    expect(offered('scheduled', 'secretary')).toBe(true);
    expect(offered('open', 'secretary')).toBe(false);
    expect(offered('closed', 'chair')).toBe(false);
    expect(offered('open', 'chair')).toBe(true);
    expect(offered('scheduled', 'site')).toBe(false);
  });
});
