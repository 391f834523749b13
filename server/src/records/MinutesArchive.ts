import type {
  FiledSignedMinutes,
  MinutesReview,
  MinutesReviewFields,
  SignedMinutesResult,
} from '@giaoban/shared';
import { checkSignedMinutes, type IssuedMinutes, issuedMinutesOf } from './signedMinutes.js';

/** The slice of the hub's Store the archive uses (per-meeting documents by key). */
export interface MeetingDocStore {
  putMeetingDoc(meetingId: string, key: string, value: string): Promise<void>;
  getMeetingDoc(meetingId: string, key: string): Promise<string | undefined>;
}

/** How many issued versions of a meeting's minutes are remembered for matching uploads. */
export const ISSUED_KEPT = 50;

const KEY = {
  issued: 'minutes.issued',
  signed: 'minutes.signed',
  signedPdf: 'minutes.signed.pdf',
  review: 'minutes.review',
} as const;

/** A review edit that started from an older version than the stored one. */
export class ReviewConflictError extends Error {
  constructor(readonly current: number) {
    super(`the minutes review is at version ${current}`);
    this.name = 'ReviewConflictError';
  }
}

/** Signed minutes are filed: what they say can no longer change. */
export class MinutesLockedError extends Error {
  constructor() {
    super('signed minutes are filed: the review is closed');
    this.name = 'MinutesLockedError';
  }
}

/**
 * The minutes' paper trail per meeting: a digest of every PDF the hub issued (so an upload can be
 * matched to one), and the signed copy the secretary filed with its signatures.
 */
export class MinutesArchive {
  constructor(private readonly store: MeetingDocStore) {}

  async issued(meetingId: string): Promise<IssuedMinutes[]> {
    const raw = await this.store.getMeetingDoc(meetingId, KEY.issued);
    return raw ? (JSON.parse(raw) as IssuedMinutes[]) : [];
  }

  /** Remembers an issued PDF (newest last, the last ISSUED_KEPT distinct ones). */
  async recordIssued(meetingId: string, pdf: Uint8Array, at: string): Promise<IssuedMinutes> {
    const entry = issuedMinutesOf(pdf, at);
    const list = (await this.issued(meetingId)).filter((i) => i.sha256 !== entry.sha256);
    list.push(entry);
    await this.store.putMeetingDoc(meetingId, KEY.issued, JSON.stringify(list.slice(-ISSUED_KEPT)));
    return entry;
  }

  async signed(meetingId: string): Promise<FiledSignedMinutes | null> {
    const raw = await this.store.getMeetingDoc(meetingId, KEY.signed);
    return raw ? (JSON.parse(raw) as FiledSignedMinutes) : null;
  }

  async signedPdf(meetingId: string): Promise<Uint8Array | undefined> {
    const raw = await this.store.getMeetingDoc(meetingId, KEY.signedPdf);
    return raw ? new Uint8Array(Buffer.from(raw, 'base64')) : undefined;
  }

  async review(meetingId: string): Promise<MinutesReview | null> {
    const raw = await this.store.getMeetingDoc(meetingId, KEY.review);
    return raw ? (JSON.parse(raw) as MinutesReview) : null;
  }

  /**
   * Saves the secretary's review as a whole (bounded by the shared schema), at version + 1.
   * Refused once signed minutes are filed, and when `expectedVersion` is stale (another tab saved
   * first; last-writer-loses rather than silently overwriting).
   */
  async saveReview(
    meetingId: string,
    fields: MinutesReviewFields,
    expectedVersion: number,
    meta: { by: string; at: string },
  ): Promise<MinutesReview> {
    if (await this.signed(meetingId)) throw new MinutesLockedError();
    const current = (await this.review(meetingId))?.version ?? 0;
    if (current !== expectedVersion) throw new ReviewConflictError(current);
    const next: MinutesReview = {
      ...fields,
      version: current + 1,
      updatedAt: meta.at,
      updatedBy: meta.by,
    };
    await this.store.putMeetingDoc(meetingId, KEY.review, JSON.stringify(next));
    return next;
  }

  /** Checks an upload and files it when it is the issued PDF plus signatures. */
  async file(
    meetingId: string,
    upload: Uint8Array,
    meta: { by: string; at: string; fileName?: string },
  ): Promise<SignedMinutesResult> {
    const check = await checkSignedMinutes(upload, await this.issued(meetingId));
    if (!check.ok) {
      return {
        accepted: false,
        problem: check.code,
        reason: check.reason,
        reasonVi: check.reasonVi,
      };
    }
    const filed: FiledSignedMinutes = {
      sha256: check.sha256,
      length: check.length,
      uploadedAt: meta.at,
      uploadedBy: meta.by,
      issuedAt: check.issued.issuedAt,
      signatures: check.signatures,
      chainVerified: check.chainVerified,
    };
    if (meta.fileName) filed.fileName = meta.fileName;
    await this.store.putMeetingDoc(
      meetingId,
      KEY.signedPdf,
      Buffer.from(upload).toString('base64'),
    );
    await this.store.putMeetingDoc(meetingId, KEY.signed, JSON.stringify(filed));
    return { accepted: true, filed };
  }
}
