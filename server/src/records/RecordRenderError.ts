/**
 * A MeetingRecord the renderers cannot print faithfully (unknown time zone, an instant that is not
 * ISO-8601). Thrown instead of printing "Invalid Date" into an official document.
 */
export class RecordRenderError extends Error {
  readonly code = 'INVALID_RECORD' as const;
  /** Path of the offending field, e.g. "attendance[3].firstJoinAt". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RecordRenderError';
    this.field = field;
  }
}
