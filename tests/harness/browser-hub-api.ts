// Minimal typed REST client for seeding the hub in browser tests (the UI is what the tests
// exercise; setting up accounts and meetings through it would only make them slow and brittle).
import type { Account, Invitation, Meeting, MeetingState, TokenResponse } from '@giaoban/shared';

export class HubApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubApiError';
  }
}

export class HubApi {
  #token: string | null = null;

  constructor(readonly origin: string) {}

  async login(username: string, password: string): Promise<TokenResponse> {
    const res = await this.request<TokenResponse>('POST', '/api/auth/login', {
      username,
      password,
    });
    this.#token = res.accessToken;
    return res;
  }

  get token(): string | null {
    return this.#token;
  }

  createAccount(body: {
    username: string;
    password: string;
    displayName: string;
    role: Account['role'];
    siteId?: string;
    title?: string;
  }): Promise<Account> {
    return this.request('POST', '/api/accounts', body);
  }

  createMeeting(body: Record<string, unknown>): Promise<Meeting> {
    return this.request('POST', '/api/meetings', body);
  }

  transition(meetingId: string, to: MeetingState): Promise<Meeting> {
    return this.request('POST', `/api/meetings/${meetingId}/transition`, { to });
  }

  invitations(meetingId: string, siteIds?: string[]): Promise<Invitation[]> {
    return this.request(
      'POST',
      `/api/meetings/${meetingId}/invitations`,
      siteIds ? { siteIds } : {},
    );
  }

  importUnits(data: unknown): Promise<{ imported: number; rejected: unknown[] }> {
    return this.request('POST', '/api/units/import', { format: 'json', data });
  }

  units(q?: string): Promise<Array<{ code: string; name: string }>> {
    return this.request('GET', `/api/units${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    const res = await fetch(this.origin + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let code = `HTTP_${res.status}`;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? code;
      } catch {
        // not JSON
      }
      throw new HubApiError(
        res.status,
        code,
        `${method} ${path} → ${res.status} ${text.slice(0, 500)}`,
      );
    }
    return (text ? JSON.parse(text) : null) as T;
  }
}
