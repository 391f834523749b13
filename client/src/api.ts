import type {
  Account,
  AttendanceRow,
  CreateMeetingBody,
  DirectoryImportResult,
  ErrorBody,
  ErrorCode,
  Invitation,
  InvitationRevoked,
  InvitationView,
  Meeting,
  MeetingState,
  MeetingSummary,
  MinutesReviewFields,
  MinutesReviewView,
  PasswordChanged,
  SessionView,
  SignedMinutesResult,
  SignedMinutesStatus,
  TokenResponse,
  Unit,
  UnitGroup,
} from '@giaoban/shared';
import type { z } from 'zod';

/**
 * REST client for the documented `/api` routes. Types come from `@giaoban/shared`; nothing is
 * validated with zod here to keep zod out of the first-load bundle (the hub validates its output).
 */

export type ClientErrorCode = ErrorCode | 'NETWORK' | 'TIMEOUT';

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly issues: ErrorBody['issues'];
  /** RATE_LIMITED: how long the hub asks to wait (its Retry-After), when it said. */
  retryAfterSeconds?: number;
  constructor(code: ClientErrorCode, message: string, status = 0, issues?: ErrorBody['issues']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

export interface TokenSource {
  /** Current access token, or null when signed out. */
  accessToken(): string | null;
  /** Renews the access token (refresh token); resolves false when that is impossible. */
  renew(): Promise<boolean>;
  /** The hub refused the access token for good (session ended, access taken back). */
  rejected?(): void;
}

export type CreateAccountInput = {
  username: string;
  password: string;
  displayName: string;
  role: Account['role'];
  siteId?: string;
  title?: string;
};

export type AgendaItemInput = {
  title: string;
  plannedMinutes: number;
  presenterName?: string;
  presenterSiteIds?: string[];
};

/** The body of POST /api/meetings (the shared zod schema's input type). */
export type CreateMeetingInput = Omit<z.input<typeof CreateMeetingBody>, 'agenda'> & {
  agenda?: AgendaItemInput[];
};
/** The body of PATCH /api/meetings/:id: any subset of the fields. */
export type UpdateMeetingInput = Partial<CreateMeetingInput>;

export type DirectoryImportInput =
  | { format: 'json'; data: unknown; preview?: boolean }
  | { format: 'csv'; csv: string; preview?: boolean };

const DEFAULT_TIMEOUT_MS = 20_000;

export class ApiClient {
  readonly #base: string;
  readonly #tokens: TokenSource | null;

  constructor(opts: { baseUrl?: string; tokens?: TokenSource | null } = {}) {
    this.#base = opts.baseUrl ?? '';
    this.#tokens = opts.tokens ?? null;
  }

  // --- auth (public) -------------------------------------------------------------------------
  login(username: string, password: string): Promise<TokenResponse> {
    return this.#json('POST', '/api/auth/login', { username, password }, { auth: false });
  }
  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.#json('POST', '/api/auth/refresh', { refreshToken }, { auth: false });
  }
  exchangeInvitation(token: string): Promise<TokenResponse> {
    return this.#json('POST', '/api/auth/invitation', { token }, { auth: false });
  }
  /** Ends this browser's session on the hub (every hub process). */
  logout(): Promise<null> {
    return this.#json('POST', '/api/auth/logout');
  }
  mySessions(): Promise<SessionView[]> {
    return this.#json('GET', '/api/auth/sessions');
  }
  endMySession(id: string): Promise<null> {
    return this.#json('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`);
  }
  /** This browser stays signed in with the tokens it has; the account's other sessions end. */
  changePassword(currentPassword: string, newPassword: string): Promise<PasswordChanged> {
    return this.#json('POST', '/api/auth/password', { currentPassword, newPassword });
  }

  // --- directory ------------------------------------------------------------------------------
  units(
    query: { tier?: 'province' | 'ward'; parentCode?: string; q?: string } = {},
  ): Promise<Unit[]> {
    const qs = new URLSearchParams(
      Object.entries(query).filter(([, v]) => v) as [string, string][],
    );
    return this.#json('GET', `/api/units${qs.size ? `?${qs}` : ''}`);
  }
  importDirectory(body: DirectoryImportInput): Promise<DirectoryImportResult> {
    return this.#json('POST', '/api/units/import', body, { timeoutMs: 120_000 });
  }
  groups(): Promise<UnitGroup[]> {
    return this.#json('GET', '/api/groups');
  }
  createGroup(body: {
    name: string;
    unitCodes?: string[];
    provinceCodes?: string[];
  }): Promise<UnitGroup> {
    return this.#json('POST', '/api/groups', body);
  }
  deleteGroup(id: string): Promise<null> {
    return this.#json('DELETE', `/api/groups/${encodeURIComponent(id)}`);
  }

  // --- accounts -------------------------------------------------------------------------------
  accounts(): Promise<Account[]> {
    return this.#json('GET', '/api/accounts');
  }
  createAccount(body: CreateAccountInput): Promise<Account> {
    return this.#json('POST', '/api/accounts', body);
  }
  updateAccount(
    id: string,
    body: {
      disabled?: boolean;
      displayName?: string;
      password?: string;
      role?: Exclude<Account['role'], 'site'>;
    },
  ): Promise<Account> {
    return this.#json('PATCH', `/api/accounts/${encodeURIComponent(id)}`, body);
  }
  deleteAccount(id: string): Promise<null> {
    return this.#json('DELETE', `/api/accounts/${encodeURIComponent(id)}`);
  }
  accountSessions(id: string): Promise<SessionView[]> {
    return this.#json('GET', `/api/accounts/${encodeURIComponent(id)}/sessions`);
  }
  endAccountSession(id: string, sessionId: string): Promise<null> {
    return this.#json(
      'DELETE',
      `/api/accounts/${encodeURIComponent(id)}/sessions/${encodeURIComponent(sessionId)}`,
    );
  }
  endAccountSessions(id: string): Promise<null> {
    return this.#json('DELETE', `/api/accounts/${encodeURIComponent(id)}/sessions`);
  }

  // --- meetings -------------------------------------------------------------------------------
  meetings(): Promise<MeetingSummary[]> {
    return this.#json('GET', '/api/meetings');
  }
  meeting(id: string): Promise<Meeting> {
    return this.#json('GET', `/api/meetings/${encodeURIComponent(id)}`);
  }
  createMeeting(body: CreateMeetingInput): Promise<Meeting> {
    return this.#json('POST', '/api/meetings', body);
  }
  updateMeeting(id: string, body: UpdateMeetingInput): Promise<Meeting> {
    return this.#json('PATCH', `/api/meetings/${encodeURIComponent(id)}`, body);
  }
  transition(id: string, to: MeetingState): Promise<Meeting> {
    return this.#json('POST', `/api/meetings/${encodeURIComponent(id)}/transition`, { to });
  }
  invitations(
    id: string,
    siteIds?: string[],
    opts: { singleBrowser?: boolean } = {},
  ): Promise<Invitation[]> {
    return this.#json('POST', `/api/meetings/${encodeURIComponent(id)}/invitations`, {
      ...(siteIds ? { siteIds } : {}),
      ...opts,
    });
  }
  /** Every link of the meeting with its uses (revoked ones too). */
  invitationRecords(id: string): Promise<InvitationView[]> {
    return this.#json('GET', `/api/meetings/${encodeURIComponent(id)}/invitations`);
  }
  revokeInvitation(
    meetingId: string,
    invitationId: string,
    reissue: boolean,
  ): Promise<InvitationRevoked> {
    return this.#json(
      'POST',
      `/api/meetings/${encodeURIComponent(meetingId)}/invitations/${encodeURIComponent(invitationId)}/revoke`,
      { reissue },
    );
  }

  attendance(id: string): Promise<AttendanceRow[]> {
    return this.#json('GET', `/api/meetings/${encodeURIComponent(id)}/attendance`);
  }

  /** Downloads an export (attendance.csv, attendance.xlsx, minutes.docx) with the bearer token. */
  /** Files the signed minutes (the PDF the hub issued, signed by chair and secretary). */
  uploadSignedMinutes(
    meetingId: string,
    pdf: ArrayBuffer,
    fileName: string,
  ): Promise<SignedMinutesResult> {
    const bytes = new Uint8Array(pdf);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return this.#json(
      'POST',
      `/api/meetings/${encodeURIComponent(meetingId)}/minutes/signed`,
      { pdf: btoa(bin), fileName: fileName.slice(0, 200) },
      { timeoutMs: 120_000 },
    );
  }
  /** What the minutes will say, with the secretary's review and the meeting's own defaults. */
  minutesReview(meetingId: string): Promise<MinutesReviewView> {
    return this.#json('GET', `/api/meetings/${encodeURIComponent(meetingId)}/minutes/review`);
  }
  saveMinutesReview(
    meetingId: string,
    body: MinutesReviewFields & { expectedVersion: number },
  ): Promise<MinutesReviewView> {
    return this.#json('PUT', `/api/meetings/${encodeURIComponent(meetingId)}/minutes/review`, body);
  }
  signedMinutes(meetingId: string): Promise<SignedMinutesStatus> {
    return this.#json('GET', `/api/meetings/${encodeURIComponent(meetingId)}/minutes/signed`);
  }

  /** A record document with the file name the hub gives it ("BienBan-2026-11-26-12-BB-UBND.pdf"). */
  async download(
    meetingId: string,
    file:
      | 'attendance.csv'
      | 'attendance.xlsx'
      | 'attendance.pdf'
      | 'minutes.docx'
      | 'minutes.pdf'
      | 'minutes.signed.pdf',
  ): Promise<{ blob: Blob; filename: string }> {
    const res = await this.#fetch(
      'GET',
      `/api/meetings/${encodeURIComponent(meetingId)}/${file}`,
      undefined,
      {},
    );
    const disposition = res.headers.get('content-disposition') ?? '';
    const named = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: await res.blob(), filename: named ?? `${meetingId}-${file}` };
  }

  // --- briefing (issue #14: reports, documents) ---------------------------------------------
  /** A JSON route under /api (the briefing panels build their paths). */
  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#json(method, path, body);
  }
  /** Raw bytes as the body (the hub checks size and type by content). */
  upload<T>(path: string, file: Blob): Promise<T> {
    return this.#json('POST', path, file, { timeoutMs: 120_000 });
  }
  /** A file with the name the hub gives it (Content-Disposition). */
  async file(path: string): Promise<{ blob: Blob; filename: string }> {
    const res = await this.#fetch('GET', path, undefined, { timeoutMs: 120_000 });
    const disposition = res.headers.get('content-disposition') ?? '';
    const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const named = utf8 ? decodeURIComponent(utf8) : /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    return { blob: await res.blob(), filename: named ?? 'file' };
  }

  // --- plumbing -------------------------------------------------------------------------------
  async #json<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { auth?: boolean; timeoutMs?: number } = {},
  ): Promise<T> {
    const res = await this.#fetch(method, path, body, opts);
    if (res.status === 204) return null as T;
    return (await res.json()) as T;
  }

  async #fetch(
    method: string,
    path: string,
    body: unknown,
    opts: { auth?: boolean; timeoutMs?: number },
    retried = false,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const raw = typeof Blob !== 'undefined' && body instanceof Blob;
    if (raw) headers['Content-Type'] = 'application/octet-stream';
    else if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = opts.auth === false ? null : (this.#tokens?.accessToken() ?? null);
    if (token) headers.Authorization = `Bearer ${token}`;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        method,
        headers,
        body: raw ? (body as Blob) : body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (err) {
      if (ctrl.signal.aborted) throw new ApiError('TIMEOUT', `${method} ${path}: timeout`);
      throw new ApiError('NETWORK', `${method} ${path}: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok) return res;
    const error = await readError(res);
    // An expired access token is renewed once, transparently.
    if (error.code === 'TOKEN_EXPIRED' && !retried && opts.auth !== false && this.#tokens) {
      if (await this.#tokens.renew()) return this.#fetch(method, path, body, opts, true);
    }
    if (error.code === 'UNAUTHENTICATED' && token) this.#tokens?.rejected?.();
    const e = new ApiError(error.code, error.message, res.status, error.issues);
    const retryAfter = Number(res.headers.get('retry-after'));
    if (error.code === 'RATE_LIMITED' && retryAfter > 0) e.retryAfterSeconds = retryAfter;
    throw e;
  }
}

async function readError(res: Response): Promise<ErrorBody> {
  try {
    const parsed = (await res.json()) as { error?: ErrorBody };
    if (parsed.error?.code) return parsed.error;
  } catch {
    // not JSON (proxy error page): fall through
  }
  return { code: res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', message: `HTTP ${res.status}` };
}

/** Saves a Blob as a file through a temporary object URL (the browser's download bar). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
