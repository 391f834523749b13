import { useEffect, useRef } from 'react';

/** Attaches one MediaStreamTrack to a muted, inline <video>. Audio is played by AudioSink. */
export function VideoView({
  track,
  mirror = false,
  className = '',
  testId,
  label,
}: {
  track: MediaStreamTrack | null;
  mirror?: boolean;
  className?: string;
  testId?: string;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) void el.play().catch(() => {});
  }, [track]);
  return (
    <video
      ref={ref}
      className={`video ${mirror ? 'mirror' : ''} ${className}`}
      data-testid={testId}
      data-has-track={track ? 'true' : 'false'}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}
