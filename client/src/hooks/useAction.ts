import { useCallback, useState } from 'react';
import type { MessageKey } from '../i18n/catalogues';
import { useT } from './useT';

/**
 * Runs a user action and turns a typed error code into a translated message; `busy` disables the
 * button so an official cannot double-grant by double-clicking.
 */
export function useAction(): {
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  busy: boolean;
  error: string | null;
  clearError: () => void;
} {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await fn();
      } catch (err) {
        setError(errorMessage(t, err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t],
  );
  return { run, busy, error, clearError: useCallback(() => setError(null), []) };
}

export function errorMessage(
  t: (k: MessageKey, params?: Record<string, string | number>) => string,
  err: unknown,
): string {
  const code = (err as { code?: string } | null)?.code;
  // Held back after failed sign-ins: say how long (the hub's Retry-After).
  const wait = (err as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
  if (code === 'RATE_LIMITED' && wait) return t('signIn.wait', { seconds: wait });
  const key = `error.${code}` as MessageKey;
  return code ? t(key) : t('error.INTERNAL');
}
