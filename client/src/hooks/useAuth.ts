import { useSyncExternalStore } from 'react';
import { useServices } from '../AppContext';
import type { AuthSession } from '../AuthStore';

/** The signed-in session (token + grant), or null. */
export function useAuth(): AuthSession | null {
  const { auth } = useServices();
  return useSyncExternalStore(auth.subscribe, auth.getSnapshot);
}
