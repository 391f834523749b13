import { useContext } from 'react';
import { I18nContext, type I18nContextValue } from '../i18n/I18nProvider';

/** The translate function of the current language: `t('floor.place', { place: 3 })`. */
export function useT(): I18nContextValue['t'] {
  return useContext(I18nContext).t;
}
