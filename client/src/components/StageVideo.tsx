import { usePeerMedia } from '../hooks/usePeerMedia';
import { useT } from '../hooks/useT';
import type { PeerRef } from '../lib/peers';
import { VideoView } from './VideoView';

/**
 * A large video on the stage (the chair, the floor holder, a shared screen). When the picture is
 * not there it says why, in words: camera turned off, nothing sent, or still arriving; a paused
 * camera never leaves its last frame frozen under a "speaking" caption.
 */
export function StageVideo({
  peer,
  source = 'camera',
  name,
  caption,
  testId,
  waitingText,
  large = false,
  highlight = false,
}: {
  peer: PeerRef | null;
  source?: string;
  /** Whose video, for "X turned the camera off". */
  name: string;
  caption: string;
  testId: string;
  /** Shown while nothing is sent yet (e.g. "waiting for the chair"). */
  waitingText?: string;
  large?: boolean;
  highlight?: boolean;
}) {
  const t = useT();
  const { track, state } = usePeerMedia(peer, source);
  const placeholder =
    state === 'cameraOff'
      ? t('media.video.cameraOff', { name })
      : state === 'waiting'
        ? t('media.video.waiting')
        : (waitingText ?? t('media.video.none', { name }));
  return (
    <figure
      className={`stage-video ${large ? 'large' : ''} ${highlight ? 'highlight' : ''}`}
      data-testid={`${testId}-tile`}
      data-video={state}
    >
      <VideoView track={track} testId={testId} label={caption} />
      {!track && (
        <div className={`placeholder placeholder-${state}`} data-testid={`${testId}-placeholder`}>
          {placeholder}
        </div>
      )}
      <figcaption data-testid={`${testId}-caption`}>{caption}</figcaption>
    </figure>
  );
}
