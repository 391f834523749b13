import { createContext, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  type Language,
  LOCALE_OF,
  type MessageKey,
  type Params,
  translate,
} from './catalogues';

export type TFunction = (key: MessageKey, params?: Params) => string;

export interface I18nContextValue {
  lang: Language;
  locale: string;
  setLang: (lang: Language) => void;
  t: TFunction;
}

const STORAGE_KEY = 'giaoban.lang';

function initialLanguage(): Language {
  try {
    const fromUrl = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
    if (isLanguage(fromUrl)) return fromUrl;
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage can be blocked (private mode, kiosk policy): fall back to the default.
  }
  return DEFAULT_LANGUAGE;
}

export const I18nContext = createContext<I18nContextValue>({
  lang: DEFAULT_LANGUAGE,
  locale: LOCALE_OF[DEFAULT_LANGUAGE],
  setLang: () => {},
  t: (key, params) => translate(DEFAULT_LANGUAGE, key, params),
});

export function I18nProvider({ children, lang: forced }: { children: ReactNode; lang?: Language }) {
  const [lang, setLangState] = useState<Language>(() => forced ?? initialLanguage());
  const setLang = useCallback((next: Language) => {
    setLangState(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // ignore: the choice then lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18nContextValue>(
    () => ({
      lang,
      locale: LOCALE_OF[lang],
      setLang,
      t: (key, params) => translate(lang, key, params),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
