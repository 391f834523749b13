import type { AttendanceRow } from '@giaoban/shared';
import { memo } from 'react';
import { useConsumerTrack } from '../hooks/useConsumerTrack';
import { useT } from '../hooks/useT';
import { PRESENCE_LABEL, type PresenceKind, presenceDot } from '../lib/presence';
import { VideoView } from './VideoView';

export type SiteTileAction = 'grant' | 'mute' | 'askUnmute' | 'remove' | 'spotlight';

export interface SiteTileProps {
  row: AttendanceRow;
  presence: PresenceKind;
  requested: boolean;
  holder: boolean;
  speaking: boolean;
  spotlighted: boolean;
  observe: (el: HTMLElement | null) => (() => void) | undefined;
  onAction: (action: SiteTileAction, row: AttendanceRow) => void;
  busy: boolean;
}

/** One site in the chair's grid: low-layer video, status in colour and words, moderation. */
export const SiteTile = memo(function SiteTile({
  row,
  presence,
  requested,
  holder,
  speaking,
  spotlighted,
  observe,
  onAction,
  busy,
}: SiteTileProps) {
  const t = useT();
  const track = useConsumerTrack({ siteId: row.siteId }, 'camera');
  const micOn = row.media.audio === 'live';
  const classes = [
    'tile',
    row.connected ? 'tile-on' : 'tile-off',
    speaking ? 'tile-speaking' : '',
    holder ? 'tile-holder' : '',
    requested ? 'tile-requested' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      ref={observe}
      className={classes}
      data-site-id={row.siteId}
      data-testid={`site-tile-${row.siteId}`}
      data-connected={String(row.connected)}
      data-presence={presence}
      data-speaking={String(speaking)}
      data-requested={String(requested)}
      data-holder={String(holder)}
    >
      <div className="tile-video">
        {row.connected && row.media.video === 'live' ? (
          <VideoView track={track} label={row.name} testId={`site-video-${row.siteId}`} />
        ) : (
          <div className={`placeholder presence-${presence}`}>
            {row.connected ? t('tile.noVideo') : t(PRESENCE_LABEL[presence])}
          </div>
        )}
        <div className="tile-badges">
          {holder && <span className="badge badge-holder">{t('tile.floor')}</span>}
          {!holder && speaking && (
            <span className="badge badge-speaking">{t('tile.speaking')}</span>
          )}
          {requested && <span className="badge badge-requested">{t('tile.requested')}</span>}
        </div>
      </div>
      <div className="tile-info">
        <strong className="tile-name" title={row.name}>
          {row.name}
        </strong>
        <span
          className={`status-dot ${presenceDot(presence)}`}
          data-testid={`tile-presence-${row.siteId}`}
        >
          {t(PRESENCE_LABEL[presence])}
        </span>
        <span
          className={`mic ${micOn ? 'on' : 'off'}`}
          data-testid={`tile-mic-${row.siteId}`}
          data-mic={micOn ? 'on' : 'off'}
        >
          {micOn ? `${t('tile.micOn')}` : `${t('tile.micOff')}`}
        </span>
      </div>
      <fieldset className="tile-actions" aria-label={t('chair.tileActions', { name: row.name })}>
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid={`tile-grant-${row.siteId}`}
          disabled={busy || !row.connected || holder}
          onClick={() => onAction('grant', row)}
        >
          {t('floor.grant')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid={`mute-${row.siteId}`}
          disabled={busy || !row.connected}
          onClick={() => onAction('mute', row)}
        >
          {t('chair.mute')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid={`ask-unmute-${row.siteId}`}
          // Only the floor holder can be asked (the hub refuses others: NOT_FLOOR_HOLDER).
          disabled={busy || !row.connected || !holder}
          title={holder ? undefined : t('chair.askUnmuteHint')}
          onClick={() => onAction('askUnmute', row)}
        >
          {t('chair.askUnmute')}
        </button>
        <button
          type="button"
          className={`btn btn-small ${spotlighted ? 'active' : ''}`}
          aria-pressed={spotlighted}
          data-testid={`spotlight-${row.siteId}`}
          disabled={busy || !row.connected}
          onClick={() => onAction('spotlight', row)}
        >
          {t('chair.spotlight')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger-outline"
          data-testid={`remove-${row.siteId}`}
          disabled={busy || !row.connected}
          onClick={() => onAction('remove', row)}
        >
          {t('chair.remove')}
        </button>
      </fieldset>
    </li>
  );
});
