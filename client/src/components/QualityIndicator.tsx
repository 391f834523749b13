import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

const BARS = { good: 3, fair: 2, poor: 1, unknown: 0 } as const;

export function QualityIndicator() {
  const { quality, connection } = useMeeting();
  const t = useT();
  // The last measurement says nothing once the hub is out of reach: a ward reading "Tốt" under
  // a "Mất kết nối" banner does not know which to believe.
  if (connection.status === 'reconnecting' || connection.status === 'failed') {
    return (
      <div className="quality quality-poor" data-testid="connection-quality" data-level="offline">
        <span className="bars" aria-hidden="true">
          {[1, 2, 3].map((i) => (
            <span key={i} />
          ))}
        </span>
        <span>
          {t('conn.quality')}: <strong>{t('conn.quality.offline')}</strong>
        </span>
      </div>
    );
  }
  const bars = BARS[quality.level];
  return (
    <div
      className={`quality quality-${quality.level}`}
      data-testid="connection-quality"
      data-level={quality.level}
      title={t('conn.quality')}
    >
      <span className="bars" aria-hidden="true">
        {[1, 2, 3].map((i) => (
          <span key={i} className={i <= bars ? 'on' : ''} />
        ))}
      </span>
      <span>
        {t('conn.quality')}: <strong>{t(`conn.quality.${quality.level}`)}</strong>
        {quality.protocol && quality.protocol !== 'unknown'
          ? ` · ${quality.protocol.toUpperCase()}`
          : ''}
        {quality.rttMs !== null && (
          <small>
            {' '}
            ·{' '}
            {t('conn.quality.detail', {
              rtt: quality.rttMs,
              loss: (quality.lossPct ?? 0).toFixed(1),
            })}
          </small>
        )}
      </span>
    </div>
  );
}
