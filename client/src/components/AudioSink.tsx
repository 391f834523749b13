import { useEffect, useRef, useState } from 'react';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

/**
 * Plays every active received audio track. Browsers may block autoplay until a click; then a
 * large button asks for one.
 */
export function AudioSink() {
  const { session, mediaVersion } = useMeeting();
  const t = useT();
  const [blocked, setBlocked] = useState(false);
  void mediaVersion;
  const tracks = (session.media?.consumers() ?? []).filter((c) => c.kind === 'audio' && !c.paused);
  return (
    <div className="audio-sink">
      {tracks.map((c) => (
        <AudioTrack
          key={c.consumer.id}
          track={c.consumer.track}
          peerId={c.peerId}
          onBlocked={() => setBlocked(true)}
        />
      ))}
      {blocked && (
        <button
          type="button"
          className="btn btn-primary btn-large enable-audio"
          data-testid="enable-audio"
          onClick={() => {
            for (const el of document.querySelectorAll<HTMLAudioElement>('audio[data-peer]'))
              void el.play().catch(() => {});
            setBlocked(false);
          }}
        >
          {t('media.clickToPlay')}
        </button>
      )}
    </div>
  );
}

function AudioTrack({
  track,
  peerId,
  onBlocked,
}: {
  track: MediaStreamTrack;
  peerId: string;
  onBlocked: () => void;
}) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch((err: Error) => {
      if (err.name === 'NotAllowedError') onBlocked();
    });
  }, [track, onBlocked]);
  // biome-ignore lint/a11y/useMediaCaption: live meeting audio has no caption track
  return <audio ref={ref} data-peer={peerId} autoPlay />;
}
