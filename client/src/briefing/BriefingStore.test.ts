import type { BriefingView } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { BriefingStore } from './BriefingStore';

const view = (docs: string[]): BriefingView => ({
  votes: [],
  opinions: [],
  notice: null,
  documents: docs.map((id) => ({
    id,
    name: `${id}.pdf`,
    itemId: 'i2',
    attachedAt: '2026-11-26T01:30:00.000Z',
    file: {
      key: `sha256/ab/${'a'.repeat(64)}`,
      sha256: 'a'.repeat(64),
      size: 10,
      name: `${id}.pdf`,
      kind: 'pdf',
      mediaType: 'application/pdf',
    },
  })),
  presentation: null,
});

describe('BriefingStore', () => {
  it('drops a REST load that a push overtook (it would undo the push)', () => {
    const s = new BriefingStore();
    const mark = s.mark();
    // The document is attached while the site's GET /briefing is on its way…
    s.apply('documents:updated', { documents: view(['d1']).documents });
    // …and the answer, computed before the attach, arrives after the push.
    expect(s.load(view([]), {}, mark)).toBe(false);
    expect(s.get().view.documents.map((d) => d.id)).toEqual(['d1']);
    // A fresh load is taken.
    expect(s.load(view(['d1', 'd2']), {}, s.mark())).toBe(true);
    expect(s.get().view.documents).toHaveLength(2);
  });

  it('pushes that are not the briefing do not make a load stale', () => {
    const s = new BriefingStore();
    const mark = s.mark();
    s.apply('floor:updated', {});
    expect(s.load(view(['d1']), {}, mark)).toBe(true);
  });
});
