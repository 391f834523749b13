import { useEffect, useState } from 'react';

/**
 * Microphone level 0..1 from a WebAudio AnalyserNode (RMS of the time-domain signal), sampled on
 * animation frames and published at ~10 Hz so the meter moves without re-rendering 60 times a second.
 */
export function useMicLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext === 'undefined') {
      setLevel(0);
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let raf = 0;
    let last = 0;
    const tick = (t: number) => {
      raf = requestAnimationFrame(tick);
      if (t - last < 100) return;
      last = t;
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      const rms = Math.sqrt(sum / buf.length);
      // Speech RMS sits around 0.02–0.2; map logarithmically so quiet speech still shows.
      const db = 20 * Math.log10(Math.max(rms, 1e-5));
      setLevel(Math.min(1, Math.max(0, (db + 60) / 50)));
    };
    void ctx.resume().catch(() => {});
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      source.disconnect();
      void ctx.close().catch(() => {});
    };
  }, [track]);
  return level;
}
