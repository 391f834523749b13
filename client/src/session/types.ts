import type { RevokeReason } from '@giaoban/shared';
import type { ClientErrorCode } from '../api';
import type { MeetingState } from '../lib/meetingState';
import type { SelectedPair } from './MediaSession';

/** What the session shows the UI: one immutable object, replaced on every change. */

export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'failed'
  | 'removed'
  /** The meeting was closed: media stopped, nothing reconnects (the site's end screen). */
  | 'ended'
  | 'left';
export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface ConnectionView {
  status: ConnectionStatus;
  media: MediaStatus;
  /** Retry number being waited for (1-based) while reconnecting. */
  attempt: number;
  nextRetryAt: number | null;
  lastError: ClientErrorCode | null;
  /** Set after a successful reconnect, for a short "restored" notice. */
  restoredAt: number | null;
  /** The hub closed this connection because the same participant connected elsewhere. */
  replaced?: boolean;
  /** The browser that took over (`session:displaced`), when the hub named it. */
  replacedBy?: { device: string; at: string };
  /** Access was taken back (`session:revoked`): sign in again / ask for a new link. */
  revoked?: { reason: RevokeReason; by?: { device: string } };
}

export interface LocalView {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  micProducerPaused: boolean;
}

export interface QualityView {
  level: QualityLevel;
  rttMs: number | null;
  lossPct: number | null;
  protocol: SelectedPair['protocol'] | null;
}

export interface SessionView {
  connection: ConnectionView;
  state: MeetingState | null;
  local: LocalView;
  quality: QualityView;
  /** Bumped whenever consumers change, so tiles re-read `consumerFor()`. */
  mediaVersion: number;
}
