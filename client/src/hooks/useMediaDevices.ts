import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Camera and microphone selection with a live stream. Sites ask for at least 960x540 so the top
 * simulcast layer exists; the chair asks for up to 1280x720.
 */
export interface MediaDevicesState {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  cameraId: string;
  microphoneId: string;
  stream: MediaStream | null;
  videoTrack: MediaStreamTrack | null;
  audioTrack: MediaStreamTrack | null;
  error: 'denied' | 'notFound' | 'other' | null;
  busy: boolean;
  setCameraId: (id: string) => void;
  setMicrophoneId: (id: string) => void;
  retry: () => void;
}

/** '' = browser default; 'none' = do not use this kind. */
export const NO_DEVICE = 'none';

export function videoConstraints(
  profile: 'site' | 'chair',
  deviceId: string,
): MediaTrackConstraints {
  const base: MediaTrackConstraints =
    profile === 'chair'
      ? {
          width: { ideal: 1280, max: 1280 },
          height: { ideal: 720, max: 720 },
          frameRate: { ideal: 30, max: 30 },
        }
      : {
          width: { min: 960, ideal: 960 },
          height: { min: 540, ideal: 540 },
          frameRate: { ideal: 25, max: 30 },
        };
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

async function openStream(
  profile: 'site' | 'chair',
  cameraId: string,
  micId: string,
): Promise<MediaStream> {
  const audio: MediaTrackConstraints | false =
    micId === NO_DEVICE
      ? false
      : {
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
          ...(micId ? { deviceId: { exact: micId } } : {}),
        };
  const wantVideo = cameraId !== NO_DEVICE;
  if (!audio && !wantVideo) return new MediaStream();
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio,
      video: wantVideo ? videoConstraints(profile, cameraId) : false,
    });
  } catch (err) {
    // A camera that cannot do 960x540 (min) fails with OverconstrainedError: retry without the
    // minimum rather than joining without video; the SFU simply gets fewer layers.
    if (wantVideo && (err as Error).name === 'OverconstrainedError') {
      const video: MediaTrackConstraints = {
        width: { ideal: 960 },
        height: { ideal: 540 },
        ...(cameraId ? { deviceId: cameraId } : {}),
      };
      return navigator.mediaDevices.getUserMedia({ audio, video });
    }
    throw err;
  }
}

export function useMediaDevices(profile: 'site' | 'chair', enabled = true): MediaDevicesState {
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [microphones, setMicrophones] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [microphoneId, setMicrophoneId] = useState('');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<MediaDevicesState['error']>(null);
  const [busy, setBusy] = useState(false);
  const [nonce, setNonce] = useState(0);
  const streamRef = useRef<MediaStream | null>(null);

  const refreshList = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const list = await navigator.mediaDevices.enumerateDevices();
    setCameras(list.filter((d) => d.kind === 'videoinput'));
    setMicrophones(list.filter((d) => d.kind === 'audioinput'));
  }, []);

  useEffect(() => {
    if (!enabled) {
      // Disabled (e.g. the meeting ended): release the camera and microphone, light off.
      for (const t of streamRef.current?.getTracks() ?? []) t.stop();
      streamRef.current = null;
      setStream(null);
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      setError('notFound');
      return;
    }
    let cancelled = false;
    setBusy(true);
    void nonce;
    openStream(profile, cameraId, microphoneId)
      .then((s) => {
        if (cancelled) {
          for (const t of s.getTracks()) t.stop();
          return;
        }
        // Stop the old tracks only after the new ones exist, so a switch never leaves a gap.
        for (const t of streamRef.current?.getTracks() ?? []) t.stop();
        streamRef.current = s;
        setStream(s);
        setError(null);
        void refreshList();
      })
      .catch((err: Error) => {
        if (cancelled) return;
        setError(
          err.name === 'NotAllowedError'
            ? 'denied'
            : err.name === 'NotFoundError'
              ? 'notFound'
              : 'other',
        );
      })
      .finally(() => !cancelled && setBusy(false));
    return () => {
      cancelled = true;
    };
  }, [profile, cameraId, microphoneId, nonce, enabled, refreshList]);

  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.addEventListener) return;
    const onChange = () => void refreshList();
    md.addEventListener('devicechange', onChange);
    return () => md.removeEventListener('devicechange', onChange);
  }, [refreshList]);

  return {
    cameras,
    microphones,
    cameraId,
    microphoneId,
    stream,
    videoTrack: stream?.getVideoTracks()[0] ?? null,
    audioTrack: stream?.getAudioTracks()[0] ?? null,
    error,
    busy,
    setCameraId,
    setMicrophoneId,
    retry: () => setNonce((n) => n + 1),
  };
}
