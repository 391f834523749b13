import type { QualitySample } from './MediaSession';
import type { QualityLevel } from './types';

/** The link-quality badge from one stats sample: round trip and loss, nothing measured = unknown. */
export function qualityLevel(q: QualitySample): QualityLevel {
  if (q.rttMs === null && q.lossPct === null) return 'unknown';
  const rtt = q.rttMs ?? 0;
  const loss = q.lossPct ?? 0;
  if (rtt < 200 && loss < 2) return 'good';
  if (rtt < 500 && loss < 8) return 'fair';
  return 'poor';
}
