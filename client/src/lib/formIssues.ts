import type { MessageKey } from '../i18n/catalogues';

/**
 * Turns a schema's complaint into a sentence that names the field and the limit ("Tiêu đề: tối đa
 * 500 ký tự"), so a secretary knows what to fix. The forms check their input with the same shared
 * zod schemas the hub uses before sending, so these are the messages she sees first.
 */
export interface FormIssue {
  path: ReadonlyArray<PropertyKey>;
  code?: string;
  /** zod 4: what the limit applies to ("string", "number", "array"). */
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  message: string;
}

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

export function issueText(t: T, issue: FormIssue, field: string): string {
  const max = issue.maximum === undefined ? undefined : Number(issue.maximum);
  const min = issue.minimum === undefined ? undefined : Number(issue.minimum);
  if (issue.code === 'too_big' && max !== undefined) {
    if (issue.origin === 'string') return t('form.tooLong', { field, max });
    if (issue.origin === 'array' || issue.origin === 'set')
      return t('form.tooMany', { field, max });
    return t('form.tooBig', { field, max });
  }
  if (issue.code === 'too_small' && min !== undefined) {
    if (issue.origin === 'string')
      return min <= 1 ? t('form.required', { field }) : t('form.tooShort', { field, min });
    if (issue.origin === 'array' || issue.origin === 'set') return t('form.tooFew', { field, min });
    return t('form.tooSmall', { field, min });
  }
  return t('form.invalid', { field });
}

/** The first issue of each field, keyed by the dotted path ("agenda.1.title"). */
export function issuesByField(issues: readonly FormIssue[]): Map<string, FormIssue> {
  const out = new Map<string, FormIssue>();
  for (const i of issues) {
    const key = i.path.map(String).join('.');
    if (!out.has(key)) out.set(key, i);
  }
  return out;
}
