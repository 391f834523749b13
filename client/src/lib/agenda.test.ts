import { describe, expect, it } from 'vitest';
import { meeting } from '../test/fixtures';
import { moveAgendaItem } from './agenda';

describe('agenda order', () => {
  const three = [
    ...meeting().agenda,
    { ...meeting().agenda[0]!, id: 'i3', order: 2, title: 'Bế mạc', endedAt: undefined },
  ];

  it('moves one item and lists every item once, in display order', () => {
    expect(moveAgendaItem(three, 'i3', -1)).toEqual(['i1', 'i3', 'i2']);
    expect(moveAgendaItem(three, 'i1', 1)).toEqual(['i2', 'i1', 'i3']);
    // Order comes from `order`, not from the array.
    expect(moveAgendaItem([...three].reverse(), 'i2', -1)).toEqual(['i2', 'i1', 'i3']);
  });

  it('refuses moves past either end and unknown items', () => {
    expect(moveAgendaItem(three, 'i1', -1)).toBeNull();
    expect(moveAgendaItem(three, 'i3', 1)).toBeNull();
    expect(moveAgendaItem(three, 'nope', 1)).toBeNull();
  });
});
