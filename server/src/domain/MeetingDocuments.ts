import type {
  Actor,
  Grant,
  MinutesReview,
  MinutesReviewFields,
  MinutesReviewView,
  SignedMinutesResult,
  SignedMinutesStatus,
} from '@giaoban/shared';
import {
  RECORD_MEDIA_TYPES,
  recordFileName,
  renderAttendanceCsv,
  renderAttendanceXlsx,
  renderMinutesDocx,
  renderMinutesPdf,
  renderRecordDocument,
} from '../records/index';
import { MinutesArchive, MinutesLockedError, ReviewConflictError } from '../records/MinutesArchive';
import {
  applyMinutesReview,
  checkReviewFields,
  minutesReviewView,
  ReviewFieldError,
} from '../records/minutesReview';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import type { MeetingCatalog } from './MeetingCatalog';

/** 'pdf' is the minutes' PDF; 'attendance.pdf' the attendance handout. */
export type RecordKind = 'csv' | 'xlsx' | 'docx' | 'pdf' | 'attendance.pdf';

/** A rendered document, ready to send. */
export interface RenderedDocument {
  bytes: Uint8Array;
  mediaType: string;
  fileName: string;
}

/**
 * The documents of a meeting: the attendance and minutes rendered from its record (records/
 * renders), every issued minutes PDF remembered so a signed copy can be recognised when the
 * secretary files it back, and the filed signed copy.
 */
export class MeetingDocuments {
  private readonly archive: MinutesArchive;

  constructor(
    private readonly d: {
      catalog: MeetingCatalog;
      store: Pick<Store, 'appendAudit' | 'putMeetingDoc' | 'getMeetingDoc'>;
      clock: Clock;
    },
  ) {
    this.archive = new MinutesArchive(d.store);
  }

  async render(id: string, grant: Grant, kind: RecordKind): Promise<RenderedDocument> {
    // What the documents print: the log's record with the secretary's review applied.
    const record = applyMinutesReview(
      await this.d.catalog.record(id, grant),
      await this.archive.review(id),
    );
    if (kind === 'attendance.pdf') return renderRecordDocument(record, 'attendance.pdf');
    let bytes: Uint8Array;
    if (kind === 'csv') bytes = new TextEncoder().encode(renderAttendanceCsv(record));
    else if (kind === 'xlsx') bytes = renderAttendanceXlsx(record);
    else if (kind === 'docx') bytes = renderMinutesDocx(record);
    else {
      bytes = await renderMinutesPdf(record);
      await this.archive.recordIssued(id, bytes, record.generatedAt);
    }
    const documentKind = kind === 'docx' || kind === 'pdf' ? 'minutes' : 'attendance';
    return {
      bytes,
      mediaType: RECORD_MEDIA_TYPES[kind],
      fileName: recordFileName(record, documentKind, kind),
    };
  }

  /** The review screen's data: the stored review, and what the minutes say without it. */
  async review(id: string, grant: Grant): Promise<MinutesReviewView> {
    const record = await this.d.catalog.record(id, grant);
    const [review, signed] = await Promise.all([this.archive.review(id), this.archive.signed(id)]);
    return minutesReviewView(record, review, signed !== null);
  }

  /**
   * Saves the secretary's review of the minutes (secretary or admin): conclusions only for items
   * of this meeting that were held, a stale `expectedVersion` is a CONFLICT, and nothing changes
   * once signed minutes are filed.
   */
  async saveReview(
    id: string,
    grant: Grant,
    actor: Actor,
    body: MinutesReviewFields & { expectedVersion: number },
  ): Promise<MinutesReviewView> {
    const { role } = await this.d.catalog.open(id, grant);
    if (role !== 'admin' && role !== 'secretary')
      throw new HubError('FORBIDDEN', 'not the secretary of this meeting');
    const { expectedVersion, ...fields } = body;
    const record = await this.d.catalog.record(id, grant);
    const at = new Date(this.d.clock.now()).toISOString();
    let saved: MinutesReview;
    try {
      checkReviewFields(record, fields);
      saved = await this.archive.saveReview(id, fields, expectedVersion, { by: grant.name, at });
    } catch (e) {
      if (e instanceof ReviewFieldError) throw new HubError('BAD_REQUEST', e.message);
      if (e instanceof ReviewConflictError) throw new HubError('CONFLICT', e.message);
      if (e instanceof MinutesLockedError) throw new HubError('INVALID_STATE', e.message);
      throw e;
    }
    await this.d.store.appendAudit({
      id: `au_${id}_review_${saved.version}`,
      at,
      actor,
      action: 'minutes.review',
      target: id,
      detail: { version: saved.version },
    });
    return minutesReviewView(record, saved, false);
  }

  /** Files a signed copy of issued minutes (secretary or admin, once the meeting ended). */
  async fileSigned(
    id: string,
    grant: Grant,
    actor: Actor,
    upload: { pdf: string; fileName?: string | undefined },
  ): Promise<SignedMinutesResult> {
    const { p, role } = await this.d.catalog.open(id, grant);
    if (role !== 'admin' && role !== 'secretary')
      throw new HubError('FORBIDDEN', 'not the secretary of this meeting');
    if (p.meeting.state !== 'adjourned' && p.meeting.state !== 'closed')
      throw new HubError('INVALID_STATE', 'signed minutes are filed once the meeting ended');
    const bytes = new Uint8Array(Buffer.from(upload.pdf, 'base64'));
    const result = await this.archive.file(id, bytes, {
      by: grant.name,
      at: new Date(this.d.clock.now()).toISOString(),
      ...(upload.fileName ? { fileName: upload.fileName } : {}),
    });
    if (result.accepted) {
      await this.d.store.appendAudit({
        id: `au_${id}_signed_${result.filed.sha256.slice(0, 12)}`,
        at: result.filed.uploadedAt,
        actor,
        action: 'minutes.signed.file',
        target: id,
        detail: { sha256: result.filed.sha256, signatures: result.filed.signatures.length },
      });
    }
    return result;
  }

  async signedStatus(id: string, grant: Grant): Promise<SignedMinutesStatus> {
    await this.d.catalog.open(id, grant);
    return { filed: await this.archive.signed(id) };
  }

  async signedPdf(id: string, grant: Grant): Promise<RenderedDocument> {
    const { p } = await this.d.catalog.open(id, grant);
    const [filed, pdf] = await Promise.all([this.archive.signed(id), this.archive.signedPdf(id)]);
    if (!filed || !pdf) throw new HubError('NOT_FOUND', 'no signed minutes filed yet');
    const m = p.meeting;
    const started = m.transitions.find((x) => x.to === 'in_session')?.at;
    const name = recordFileName(
      {
        scheduledStart: m.scheduledStart,
        timeZone: 'Asia/Ho_Chi_Minh',
        ...(started ? { startedAt: started } : {}),
        ...(m.documentNumber ? { documentNumber: m.documentNumber } : {}),
      },
      'minutes',
      'pdf',
    ).replace(/\.pdf$/, '-DaKy.pdf');
    return { bytes: pdf, mediaType: 'application/pdf', fileName: name };
  }
}
