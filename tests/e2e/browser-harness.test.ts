// Proves the browser harness on its own, before any GiaoBan code is involved: Chromium starts
// from a fresh profile, the fake camera and microphone deliver, a loopback RTCPeerConnection pair
// gathers candidates on 127.0.0.1 and decodes video and audio, the statistics reader sees it, and
// the per-participant signalling proxy really cuts and restores.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserParticipant,
  launchParticipant,
  readRtcStats,
  saveScreenshot,
  trackIdsIn,
  waitForInboundProgress,
  waitUntil,
} from '../harness/browser.js';
import { CuttableProxy } from '../harness/browser-netcut.js';

const page = `<!doctype html><meta charset="utf-8"><title>loopback</title>
<video id="remote" data-testid="remote" autoplay playsinline muted width="320" height="240"></video>
<script type="module">
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  b.ontrack = (e) => { document.getElementById('remote').srcObject = e.streams[0]; };
  for (const t of stream.getTracks()) a.addTrack(t, stream);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  window.__cameraFps = stream.getVideoTracks()[0].getSettings().frameRate;
  window.__ready = true;
</script>`;

describe('browser harness (Chromium, fake devices, loopback WebRTC)', () => {
  let server: http.Server;
  let origin: string;
  let browser: BrowserParticipant;
  let proxy: CuttableProxy;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy = await CuttableProxy.start((server.address() as AddressInfo).port);
    browser = await launchParticipant({ label: 'harness', origin, fps: 30 });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('decodes video and audio over a loopback peer connection, and its signalling can be cut and restored', async () => {
    const p = browser.page;
    await p.goto(origin);
    await waitUntil(() => p.evaluate(() => (window as { __ready?: boolean }).__ready === true), {
      what: 'the loopback page to negotiate',
      detail: () => browser.logText(),
    });

    // The fake camera runs at the frame rate asked on the command line (fps=30; default 20).
    expect(await p.evaluate(() => (window as { __cameraFps?: number }).__cameraFps)).toBe(30);
    const stats = await readRtcStats(p);
    expect(stats.pcs).toHaveLength(2);

    const video = await waitForInboundProgress(p, (s) => s.kind === 'video', 'framesDecoded', {
      what: 'video frames decoded',
      minDelta: 5,
    });
    expect(video.frameWidth).toBeGreaterThan(0);
    await waitForInboundProgress(p, (s) => s.kind === 'audio', 'totalSamplesReceived', {
      what: 'audio samples received',
    });

    // The rendered element's track is the one the statistics describe.
    const rendered = await trackIdsIn(p, '[data-testid=remote]');
    expect(rendered).toContain(video.trackIdentifier);
    const selected = (await readRtcStats(p)).pcs.map((pc) => pc.selectedPair);
    expect(selected.every((s) => s?.includes('127.0.0.1') || s?.includes('host'))).toBe(true);
    await saveScreenshot(p, 'harness-loopback');

    // The signalling half of a network cut: through its proxy the page loads; cut, even a
    // fetch fails; restored, it works again (the proxy is what the hub tests cut per site).
    const fetchOk = () =>
      p.evaluate(async (url) => {
        try {
          return (await fetch(url, { cache: 'no-store' })).ok;
        } catch {
          return false;
        }
      }, `${proxy.origin}/again`);
    await p.goto(proxy.origin);
    expect(await fetchOk()).toBe(true);
    proxy.cut();
    expect(await fetchOk()).toBe(false);
    expect(proxy.refusedWhileCut).toBeGreaterThan(0);
    proxy.restore();
    expect(await fetchOk()).toBe(true);
  });
});
