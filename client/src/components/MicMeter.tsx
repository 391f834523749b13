import { useMicLevel } from '../hooks/useMicLevel';
import { useT } from '../hooks/useT';

export function MicMeter({ track }: { track: MediaStreamTrack | null }) {
  const t = useT();
  const level = useMicLevel(track);
  const pct = Math.round(level * 100);
  return (
    <div className="mic-meter">
      <span id="mic-level-label">{t('lobby.micLevel')}</span>
      <meter className="sr-only" aria-labelledby="mic-level-label" min={0} max={100} value={pct} />
      <div className="meter" aria-hidden="true" data-testid="mic-level" data-level={pct}>
        <div className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
      <small>{t('lobby.micLevelHint')}</small>
    </div>
  );
}
