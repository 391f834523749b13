import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

const BARS = { good: 3, fair: 2, poor: 1, unknown: 0 } as const;

export function QualityIndicator() {
  const { quality } = useMeeting();
  const t = useT();
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
