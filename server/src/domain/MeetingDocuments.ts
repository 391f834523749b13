import type { Actor, Grant, SignedMinutesResult, SignedMinutesStatus } from '@giaoban/shared';
import {
  RECORD_MEDIA_TYPES,
  recordFileName,
  renderAttendanceCsv,
  renderAttendanceXlsx,
  renderMinutesDocx,
  renderMinutesPdf,
} from '../records/index';
import { MinutesArchive } from '../records/MinutesArchive';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import type { MeetingCatalog } from './MeetingCatalog';

export type RecordKind = 'csv' | 'xlsx' | 'docx' | 'pdf';

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
    const record = await this.d.catalog.record(id, grant);
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
