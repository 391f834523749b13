import { en } from './en';
import { type Catalogue, type MessageKey, vi } from './vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

export const CATALOGUES: Record<Language, Catalogue> = { vi, en };

/** BCP-47 locale for dates and numbers per UI language. */
export const LOCALE_OF: Record<Language, string> = { vi: 'vi-VN', en: 'en-GB' };

export type Params = Record<string, string | number>;

/** Looks a key up and fills `{name}` placeholders; an unknown placeholder stays visible. */
export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const template = CATALOGUES[lang][key] ?? CATALOGUES[DEFAULT_LANGUAGE][key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export type { Catalogue, MessageKey };
