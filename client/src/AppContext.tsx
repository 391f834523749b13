import { createContext, type ReactNode, useContext } from 'react';
import type { AuthStore } from './AuthStore';
import type { ApiClient } from './api';

export interface AppServices {
  api: ApiClient;
  auth: AuthStore;
}

const Ctx = createContext<AppServices | null>(null);

export function AppServicesProvider({
  value,
  children,
}: {
  value: AppServices;
  children: ReactNode;
}) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useServices(): AppServices {
  const v = useContext(Ctx);
  if (!v) throw new Error('AppServicesProvider missing');
  return v;
}
