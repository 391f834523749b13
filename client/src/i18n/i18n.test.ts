import { ERROR_CODES } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES, placeholders, translate } from './catalogues';
import { vi } from './vi';

describe('i18n catalogues', () => {
  const viKeys = Object.keys(vi).sort();

  it.each(LANGUAGES)('%s has exactly the keys of the Vietnamese catalogue', (lang) => {
    expect(Object.keys(CATALOGUES[lang]).sort()).toEqual(viKeys);
  });

  it.each(LANGUAGES)('%s has no empty message and the same placeholders as Vietnamese', (lang) => {
    const cat = CATALOGUES[lang];
    for (const key of viKeys as (keyof typeof vi)[]) {
      expect(cat[key].trim(), key).not.toBe('');
      expect(placeholders(cat[key]), key).toEqual(placeholders(vi[key]));
    }
  });

  it('says every error code of the contract in words (no raw code reaches a chair)', () => {
    const keys = new Set(viKeys);
    expect(ERROR_CODES.filter((code) => !keys.has(`error.${code}`))).toEqual([]);
  });

  it('Vietnamese is written with diacritics, not stripped ASCII', () => {
    expect(vi['floor.request']).toBe('Xin phát biểu');
    const withMarks = Object.values(vi).filter((s) =>
      /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i.test(s),
    );
    expect(withMarks.length / Object.keys(vi).length).toBeGreaterThan(0.7);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('vi', 'floor.place', { place: 3 })).toBe('Vị trí trong hàng chờ: 3');
    expect(translate('en', 'floor.place', { place: 3 })).toBe('Place in queue: 3');
    expect(translate('en', 'floor.place')).toBe('Place in queue: {place}');
  });
});
