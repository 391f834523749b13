import { z } from 'zod';
import { IsoInstant } from './domain';

/**
 * The records contract: the signed minutes the secretary files back, and the minutes review (the
 * secretary's edits of what the minutes print). Owned by the records module (server/src/records).
 */

/** Base64 of a signed PDF, at most 6 MiB of PDF (8 MiB of base64, the REST body limit). */
export const SIGNED_MINUTES_MAX_BYTES = 6 * 1024 * 1024;

export const SignedMinutesUploadBody = z.object({
  /** The signed PDF, base64. */
  pdf: z
    .string()
    .min(8)
    .max(Math.ceil(SIGNED_MINUTES_MAX_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
  /** The name the file had on the secretary's computer (shown, never used as a path). */
  fileName: z.string().max(200).optional(),
});

export const MinutesSignature = z.object({
  index: z.number().int().min(1),
  /** Certificate subject common name. */
  signer: z.string(),
  organization: z.string().optional(),
  issuer: z.string(),
  serialNumber: z.string(),
  /** The signed signingTime attribute of the CMS signature. */
  signingTime: IsoInstant.optional(),
  /** The /M the signing tool wrote in the signature dictionary. */
  claimedTime: IsoInstant.optional(),
  subFilter: z.string().optional(),
  byteRange: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type MinutesSignature = z.infer<typeof MinutesSignature>;

/** Signed minutes filed with a meeting. */
export const FiledSignedMinutes = z.object({
  sha256: z.string(),
  length: z.number().int(),
  fileName: z.string().optional(),
  uploadedAt: IsoInstant,
  uploadedBy: z.string(),
  /** When the PDF it extends was issued by the hub. */
  issuedAt: IsoInstant,
  signatures: z.array(MinutesSignature),
  /** false: the certificates were not checked against a trust list (no VGCA roots configured). */
  chainVerified: z.boolean(),
});
export type FiledSignedMinutes = z.infer<typeof FiledSignedMinutes>;

export const SIGNED_MINUTES_PROBLEMS = [
  'not_pdf',
  'not_issued',
  'unsigned',
  'not_incremental',
  'bad_byte_range',
  'uncovered_bytes',
  'bad_signature',
  'modified',
] as const;

export const SignedMinutesResult = z.discriminatedUnion('accepted', [
  z.object({ accepted: z.literal(true), filed: FiledSignedMinutes }),
  z.object({
    accepted: z.literal(false),
    problem: z.enum(SIGNED_MINUTES_PROBLEMS),
    reason: z.string(),
    reasonVi: z.string(),
  }),
]);
export type SignedMinutesResult = z.infer<typeof SignedMinutesResult>;

export const SignedMinutesStatus = z.object({ filed: FiledSignedMinutes.nullable() });
export type SignedMinutesStatus = z.infer<typeof SignedMinutesStatus>;

// --- the minutes review -----------------------------------------------------------------------

export const MinutesParticipant = z.object({
  name: z.string().trim().min(1).max(200),
  title: z.string().trim().max(200).optional(),
});
export type MinutesParticipant = z.infer<typeof MinutesParticipant>;

/** What the secretary may change in the minutes before they are issued for signing. */
export const MinutesReviewFields = z.object({
  /** Position printed after the chair's name, e.g. "Phó Chủ tịch UBND Thành phố". */
  chairTitle: z.string().trim().max(200).optional(),
  secretaryTitle: z.string().trim().max(200).optional(),
  /** Named participants listed under "Thành phần tham dự" (leaders at the host point…). */
  participants: z.array(MinutesParticipant).max(50).optional(),
  /** Conclusions per agenda item id; replaces what was noted during the meeting. */
  conclusions: z.record(z.string().max(64), z.string().max(20_000)).optional(),
  /** The closing line, replacing "Cuộc họp kết thúc vào lúc …". */
  closingText: z.string().trim().max(1000).optional(),
});
export type MinutesReviewFields = z.infer<typeof MinutesReviewFields>;

export const MinutesReviewBody = MinutesReviewFields.extend({
  /** The version the edit starts from (0 for the first save): a stale one is a CONFLICT. */
  expectedVersion: z.number().int().min(0),
});

export const MinutesReview = MinutesReviewFields.extend({
  version: z.number().int().min(0),
  updatedAt: IsoInstant.optional(),
  updatedBy: z.string().optional(),
});
export type MinutesReview = z.infer<typeof MinutesReview>;

/** The review with what the minutes print without it, for the review screen. */
export const MinutesReviewView = z.object({
  review: MinutesReview,
  /** Signed minutes are filed: the review can no longer change. */
  locked: z.boolean(),
  defaults: z.object({
    chairName: z.string(),
    chairTitle: z.string().optional(),
    secretaryName: z.string(),
    secretaryTitle: z.string().optional(),
    closingText: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        number: z.number().int(),
        title: z.string(),
        held: z.boolean(),
        conclusions: z.string().optional(),
      }),
    ),
  }),
});
export type MinutesReviewView = z.infer<typeof MinutesReviewView>;
