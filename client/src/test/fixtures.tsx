import type { AttendanceRow, AttendanceStatus, FloorRequest, Meeting } from '@giaoban/shared';
import { configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { expect, vi } from 'vitest';
import { AppServicesProvider } from '../AppContext';
import { AuthStore } from '../AuthStore';
import { ApiClient } from '../api';
import { MeetingSessionContext } from '../hooks/MeetingSessionContext';
import type { Language } from '../i18n/catalogues';
import { I18nProvider } from '../i18n/I18nProvider';
import type { MeetingState } from '../lib/meetingState';
import type { MeetingSession, SessionView } from '../session/MeetingSession';

/** Test fixtures: meeting state and a fake session (the real one needs a hub and a browser). */

// Generous waits: the suite must pass on a loaded 2-core machine.
configure({ asyncUtilTimeout: 10_000 });

export function row(
  code: string,
  name: string,
  status: AttendanceStatus,
  extra: Partial<AttendanceRow> = {},
): AttendanceRow {
  const connected =
    extra.connected ?? (status !== 'absent_with_reason' && status !== 'absent_without_reason');
  const intervals = extra.intervals ?? [];
  return {
    siteId: code,
    code,
    name,
    connected,
    intervals,
    minutesConnected: 0,
    media: { audio: 'paused', video: 'live' },
    status,
    derivedStatus: status,
    micAllowed: false,
    mic: { allowed: false, muted: false, unmute: 'none' },
    // As the hub says it: connected, else dropped once it came (a test says 'left' itself).
    presence: connected ? 'connected' : intervals.length > 0 ? 'dropped' : 'not_joined',
    removed: false,
    ...extra,
  };
}

export function request(siteId: string, siteName: string, itemId?: string): FloorRequest {
  return {
    siteId,
    siteName,
    requestedAt: '2026-11-26T08:00:00.000Z',
    presenter: false,
    ...(itemId ? { itemId } : {}),
  };
}

export function meeting(extra: Partial<Meeting> = {}): Meeting {
  return {
    id: 'mtg1',
    title: 'Giao ban tháng 11',
    scheduledStart: '2026-11-26T08:00:00.000Z',
    state: 'in_session',
    chairId: 'acc_chair',
    secretaryId: 'acc_sec',
    siteIds: [],
    agenda: [
      {
        id: 'i1',
        order: 0,
        title: 'Khai mạc',
        presenterSiteIds: [],
        plannedMinutes: 10,
        extendedMinutes: 0,
      },
      {
        id: 'i2',
        order: 1,
        title: 'Báo cáo kinh tế',
        presenterSiteIds: [],
        plannedMinutes: 30,
        extendedMinutes: 0,
      },
    ],
    lateGraceMinutes: 10,
    speakingLimitSeconds: 300,
    openMics: false,
    locked: false,
    issuingBody: 'UBND',
    place: 'Hà Nội',
    transitions: [],
    createdAt: '2026-11-20T00:00:00.000Z',
    ...extra,
  };
}

export function meetingState(extra: Partial<MeetingState> = {}): MeetingState {
  return {
    meeting: meeting(),
    you: {
      role: 'chair',
      accountId: 'acc_chair',
      name: 'Chủ trì',
      peerId: 'user:acc_chair:s1',
      micAllowed: true,
      mic: { allowed: true, muted: false, unmute: 'none' },
    },
    chair: { id: 'acc_chair', name: 'Nguyễn Văn An' },
    secretary: { id: 'acc_sec', name: 'Trần Thị Bình' },
    sites: [],
    floor: {
      holder: null,
      queue: [],
      spotlight: { kind: 'chair' },
      serverTime: '2026-11-26T01:30:00.000Z',
    },
    rollCall: null,
    attendance: [],
    producers: [],
    micAllowed: true,
    mic: { allowed: true, muted: false, unmute: 'none' },
    askedToUnmute: false,
    declined: null,
    mutedAt: null,
    activeSpeakerPeerId: null,
    serverOffsetMs: 0,
    removed: null,
    seq: 1,
    ...extra,
  };
}

export interface FakeSession {
  session: MeetingSession;
  act: ReturnType<typeof vi.fn>;
  setVisibleSites: ReturnType<typeof vi.fn>;
  /** Replaces the state and notifies subscribers (like a server push). */
  push: (patch: Partial<MeetingState>) => void;
  /** Replaces part of the connection view (a drop, a reconnect) and notifies subscribers. */
  setConnection: (patch: Partial<SessionView['connection']>) => void;
}

export function fakeSession(state: MeetingState): FakeSession {
  const listeners = new Set<() => void>();
  let view: SessionView = {
    connection: {
      status: 'connected',
      media: 'connected',
      attempt: 0,
      nextRetryAt: null,
      lastError: null,
      restoredAt: null,
    },
    state,
    local: { micOn: false, cameraOn: true, sharing: false, micProducerPaused: true },
    quality: { level: 'good', rttMs: 12, lossPct: 0, protocol: 'udp' },
    mediaVersion: 0,
  };
  const act = vi.fn(async () => null);
  const setVisibleSites = vi.fn();
  const session = {
    meetingId: state.meeting.id,
    media: null,
    view: () => view,
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    act,
    setVisibleSites,
    setMic: vi.fn(async () => {}),
    acceptUnmute: vi.fn(async () => {}),
    setCamera: vi.fn(async () => {}),
    shareScreen: vi.fn(async () => {}),
    retryNow: vi.fn(),
    enter: vi.fn(async () => {}),
    // Push/joined listeners (the briefing panels of issue #14): nothing is pushed here.
    on: vi.fn(() => () => {}),
  } as unknown as MeetingSession;
  const push = (patch: Partial<MeetingState>) => {
    view = { ...view, state: { ...view.state!, ...patch } };
    for (const l of listeners) l();
  };
  const setConnection = (patch: Partial<SessionView['connection']>) => {
    view = { ...view, connection: { ...view.connection, ...patch } };
    for (const l of listeners) l();
  };
  return { session, act, setVisibleSites, push, setConnection };
}

export function renderWith(
  ui: ReactElement,
  opts: { session?: MeetingSession; lang?: Language } = {},
) {
  const auth = new AuthStore();
  const api = new ApiClient({ tokens: auth, baseUrl: 'http://127.0.0.1:9' });
  const inner = opts.session ? (
    <MeetingSessionContext.Provider value={opts.session}>{ui}</MeetingSessionContext.Provider>
  ) : (
    ui
  );
  const tree = (
    <I18nProvider lang={opts.lang ?? 'vi'}>
      <AppServicesProvider value={{ api, auth }}>{inner}</AppServicesProvider>
    </I18nProvider>
  );
  return render(tree);
}

export const noDevices = {
  cameras: [],
  microphones: [],
  cameraId: '',
  microphoneId: '',
  stream: null,
  videoTrack: null,
  audioTrack: null,
  error: null,
  busy: false,
  setCameraId: () => {},
  setMicrophoneId: () => {},
  retry: () => {},
};

/** Clicks a button once it is enabled (actions disable their buttons while a request runs). */
export async function clickWhenEnabled(testId: string): Promise<void> {
  await waitFor(() =>
    expect((screen.getByTestId(testId) as HTMLButtonElement).disabled).toBe(false),
  );
  fireEvent.click(screen.getByTestId(testId));
}
