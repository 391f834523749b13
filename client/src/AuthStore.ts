import type { Grant, RevokeReason, TokenResponse } from '@giaoban/shared';
import type { ApiClient, TokenSource } from './api';

/** Why this browser was signed out by the hub rather than by its user (shown at sign-in). */
export type SignedOutReason = RevokeReason | 'expired';

export interface AuthSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  grant: Grant;
}

const STORAGE_KEY = 'giaoban.session';

/**
 * Holds the signed-in session. Kept in sessionStorage, so each browser tab can be a different
 * participant (a secretary often keeps the chair's view open in a second tab) and a reload keeps
 * the user signed in. Renews the access token a minute before it expires.
 */
export class AuthStore implements TokenSource {
  #session: AuthSession | null;
  #api: ApiClient | null = null;
  #listeners = new Set<() => void>();
  #renewing: Promise<boolean> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #signedOut: SignedOutReason | null = null;

  constructor() {
    this.#session = load();
    this.#schedule();
  }

  attach(api: ApiClient): void {
    this.#api = api;
  }

  get session(): AuthSession | null {
    return this.#session;
  }

  accessToken(): string | null {
    return this.#session?.accessToken ?? null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): AuthSession | null => this.#session;

  rejected(): void {
    if (this.#session) this.clear('revoked');
  }

  set(res: TokenResponse): void {
    this.#signedOut = null;
    this.#session = {
      accessToken: res.accessToken,
      refreshToken: res.refreshToken,
      expiresAt: Date.now() + res.expiresIn * 1000,
      grant: res.grant,
    };
    save(this.#session);
    this.#schedule();
    this.#emit();
  }

  /** Why the last session ended without its user asking (null after a sign-in or a sign-out). */
  get signedOutReason(): SignedOutReason | null {
    return this.#signedOut;
  }

  /** Signs out; `reason` when the hub ended the session (the sign-in screen says why). */
  clear(reason: SignedOutReason | null = null): void {
    this.#signedOut = reason;
    this.#session = null;
    save(null);
    if (this.#timer) clearTimeout(this.#timer);
    this.#emit();
  }

  /** Renews with the refresh token; concurrent callers share one request. */
  renew(): Promise<boolean> {
    if (this.#renewing) return this.#renewing;
    const session = this.#session;
    const api = this.#api;
    if (!session || !api) return Promise.resolve(false);
    this.#renewing = api
      .refresh(session.refreshToken)
      .then((res) => {
        this.set(res);
        return true;
      })
      .catch((err: { code?: string }) => {
        // Only a definitive refusal signs out; a network blip keeps the session for a retry.
        if (err.code === 'UNAUTHENTICATED' || err.code === 'TOKEN_EXPIRED') this.clear('expired');
        return false;
      })
      .finally(() => {
        this.#renewing = null;
      });
    return this.#renewing;
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#session) return;
    const delay = Math.max(5_000, this.#session.expiresAt - Date.now() - 60_000);
    this.#timer = setTimeout(() => void this.renew(), delay);
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }
}

function load(): AuthSession | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as AuthSession) : null;
  } catch {
    return null;
  }
}

function save(session: AuthSession | null): void {
  try {
    if (session) globalThis.sessionStorage?.setItem(STORAGE_KEY, JSON.stringify(session));
    else globalThis.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: the session lasts for this page only
  }
}
