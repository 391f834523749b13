import { type ReactElement, useCallback, useRef, useState } from 'react';
import { ConfirmDialog, type ConfirmRequest } from '../components/ConfirmDialog';

/**
 * Asks before an action: `await confirm.ask({...})` resolves true or false; render
 * `confirm.dialog` once in the screen. One question at a time (a new one answers the old "no").
 */
export function useConfirm(): {
  ask: (request: ConfirmRequest) => Promise<boolean>;
  dialog: ReactElement | null;
} {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);
  const ask = useCallback((next: ConfirmRequest) => {
    resolver.current?.(false);
    setRequest(next);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);
  const onAnswer = useCallback((ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setRequest(null);
  }, []);
  return {
    ask,
    dialog: request ? <ConfirmDialog request={request} onAnswer={onAnswer} /> : null,
  };
}
