import { useI18n } from '../hooks/useI18n';
import { LANGUAGES } from '../i18n/catalogues';

const LABEL = { vi: 'Tiếng Việt', en: 'English' } as const;

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <fieldset className="lang-switch" aria-label={t('app.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          className={l === lang ? 'active' : ''}
          aria-pressed={l === lang}
          data-testid={`lang-${l}`}
          lang={l}
          onClick={() => setLang(l)}
        >
          {LABEL[l]}
        </button>
      ))}
    </fieldset>
  );
}
