import type { MinutesReview, MinutesReviewFields, MinutesReviewView } from '@giaoban/shared';
import type { MeetingRecord } from './MeetingRecord.js';
import { buildMinutesDocument, paragraphText } from './MinutesDocument.js';

/**
 * The secretary's review applied to a record before it is rendered: the chair's and secretary's
 * positions, named participants, conclusions per agenda item and the closing line. Fields the
 * review does not set leave the record as the meeting log made it.
 */
export function applyMinutesReview(
  record: MeetingRecord,
  review: MinutesReview | null,
): MeetingRecord {
  if (!review) return record;
  const out: MeetingRecord = { ...record };
  if (review.chairTitle !== undefined) {
    out.chair = review.chairTitle
      ? { ...record.chair, title: review.chairTitle }
      : { name: record.chair.name };
  }
  if (review.secretaryTitle !== undefined) {
    out.secretary = review.secretaryTitle
      ? { ...record.secretary, title: review.secretaryTitle }
      : { name: record.secretary.name };
  }
  if (review.participants) out.participants = review.participants.map((p) => ({ ...p }));
  if (review.closingText) out.closingText = review.closingText;
  const conclusions = review.conclusions;
  if (conclusions) {
    out.agenda = record.agenda.map((a) =>
      Object.hasOwn(conclusions, a.id) ? { ...a, conclusions: conclusions[a.id] } : a,
    );
  }
  return out;
}

/** The review screen's data: the stored review and what the minutes say without it. */
export function minutesReviewView(
  record: MeetingRecord,
  review: MinutesReview | null,
  locked: boolean,
): MinutesReviewView {
  const plain = buildMinutesDocument({ ...record, closingText: undefined });
  const agenda = [...record.agenda].sort((a, b) => a.order - b.order);
  const defaults: MinutesReviewView['defaults'] = {
    chairName: record.chair.name,
    secretaryName: record.secretary.name,
    closingText: paragraphText(plain.closing),
    items: agenda.map((a, i) => {
      const item: MinutesReviewView['defaults']['items'][number] = {
        id: a.id,
        number: i + 1,
        title: a.title,
        held: a.startedAt !== undefined,
      };
      if (a.conclusions !== undefined) item.conclusions = a.conclusions;
      return item;
    }),
  };
  if (record.chair.title) defaults.chairTitle = record.chair.title;
  if (record.secretary.title) defaults.secretaryTitle = record.secretary.title;
  return { review: review ?? { version: 0 }, locked, defaults };
}

/** A review that names agenda items the minutes cannot carry a conclusion for. */
export class ReviewFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ReviewFieldError';
  }
}

/**
 * Checks what the shared schema cannot: every conclusion belongs to an agenda item of this
 * meeting, and to one that was held (an item never taken up prints no conclusion, so a text for
 * it would be silently lost).
 */
export function checkReviewFields(record: MeetingRecord, fields: MinutesReviewFields): void {
  const byId = new Map(record.agenda.map((a) => [a.id, a]));
  const ids = Object.keys(fields.conclusions ?? {});
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new ReviewFieldError(
      'conclusions',
      `unknown agenda items ${unknown.slice(0, 10).join(', ')}`,
    );
  }
  const notHeld = ids.filter(
    (id) => byId.get(id)?.startedAt === undefined && (fields.conclusions?.[id] ?? '').trim() !== '',
  );
  if (notHeld.length > 0) {
    throw new ReviewFieldError(
      'conclusions',
      `agenda items ${notHeld.slice(0, 10).join(', ')} were not taken up: the minutes print no conclusion for them`,
    );
  }
}
