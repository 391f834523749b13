import { useContext } from 'react';
import { I18nContext, type I18nContextValue } from '../i18n/I18nProvider';

/** Language, locale and the switch; most components only need `useT()`. */
export function useI18n(): I18nContextValue {
  return useContext(I18nContext);
}
