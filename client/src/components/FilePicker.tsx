import { type ChangeEvent, useId, useState } from 'react';
import { useI18n } from '../hooks/useI18n';

/**
 * A file field in the interface's language. The browser's own file input says "Choose File /
 * No file chosen" in the browser's language (English in Debian's Chromium), whatever language
 * the page is in; here the native input stays (keyboard, screen readers, drag and drop, tests'
 * setInputFiles) but is hidden behind a button and the chosen file's name in our words.
 */
export function FilePicker(props: {
  label: string;
  accept: string;
  testId: string;
  name?: string;
  disabled?: boolean;
  /** Off where the screen lists what was attached (the name would only repeat it). */
  showChosen?: boolean;
  onChange?: (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <div className="file-picker">
      <span id={`${id}-label`} className="file-picker-label">
        {props.label}
      </span>
      <label className={`btn file-picker-button${props.disabled ? ' is-disabled' : ''}`}>
        {t('file.choose')}
        <input
          className="sr-only"
          type="file"
          name={props.name}
          accept={props.accept}
          disabled={props.disabled}
          aria-labelledby={`${id}-label`}
          data-testid={props.testId}
          onChange={(e) => {
            setChosen(e.target.files?.[0]?.name ?? null);
            props.onChange?.(e);
          }}
        />
      </label>
      {props.showChosen !== false && (
        <span className="file-picker-name muted" aria-live="polite">
          {chosen ?? t('file.none')}
        </span>
      )}
    </div>
  );
}
