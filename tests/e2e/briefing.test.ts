// A whole briefing in Debian's Chromium against the real hub (real mediasoup worker, real
// redis-server, the production client build): a chair, three ward sites and a secretary, each in
// its own browser. Media is checked with getStats on the receiving side, tied to what the client
// says it consumes (window.__giaoban) — never by looking at pixels or trusting the UI alone.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserParticipant,
  launchParticipant,
  readRtcStats,
  repoRoot,
  saveScreenshot,
  trackIdsIn,
  waitUntil,
} from '../harness/browser.js';
import { type E2EBriefing, startE2EBriefing } from '../harness/browser-briefing.js';
import {
  confirmDialog,
  debugSession,
  joinFromLobby,
  openInvitation,
  SCREEN,
  signIn,
  signInAndEnterMeeting,
  sitePeer,
  TID,
  tid,
  userPeer,
  waitForPeerMedia,
  waitLobbyReady,
} from '../harness/browser-flows.js';
import { type BriefingSeed, type E2EHub, hanoiWards } from '../harness/browser-hub.js';

const SITES = 3;

describe('briefing: chair, three sites and a secretary in Chromium', () => {
  let briefing: E2EBriefing | undefined;
  let hub: E2EHub;
  let seed: BriefingSeed;
  let chair: BrowserParticipant;
  let secretary: BrowserParticipant;
  const sites: BrowserParticipant[] = [];

  /** Console tail of every browser, appended to a failing wait's message. */
  const logs = () => briefing?.logs(40) ?? '';

  beforeAll(async () => {
    // Each site through its own proxy: one test cuts a site's network.
    briefing = await startE2EBriefing({ sites: SITES, proxies: true, seed: { absent: 1 } });
    ({ hub, seed, chair, secretary } = briefing);
    sites.push(...briefing.sites);
  });

  afterAll(async () => {
    await briefing?.stop();
  });

  const site = (i: number) => ({
    browser: sites[i]!,
    info: seed.sites[i]!,
    proxy: hub.proxies[i]!,
  });

  it('the chair signs in, passes the lobby and starts the session', async () => {
    const p = chair.page;
    await p.goto(`${hub.origin}/`);
    await p.locator(SCREEN.signIn).waitFor();
    await saveScreenshot(p, '01-sign-in');
    await signInAndEnterMeeting(p, hub.origin, seed.chair, seed.meetingId);
    await waitLobbyReady(p, true);
    await saveScreenshot(p, '03-lobby-chair');
    await joinFromLobby(p, 'chair');
    await p.locator(tid('transition-in_session')).click();
    await p.locator(`${tid('meeting-state')}.state-in_session`).waitFor();
    // The chair speaks: its microphone is open (the client opens it for the chair; if not,
    // the chair clicks it open).
    const micOn = async () =>
      (await debugSession(p))?.producers.some((x) => x.kind === 'audio' && !x.paused) ?? false;
    if (
      (await p
        .locator(`${tid(TID.micState)}[data-mic="on"], ${tid(TID.toggleMic)}.btn-danger`)
        .count()) === 0
    ) {
      await p.locator(tid(TID.toggleMic)).click();
    }
    await waitUntil(micOn, { what: "the chair's microphone producer to run", detail: logs });
  });

  it('three sites join through their invitation links and decode the chair (video and audio)', async () => {
    for (let i = 0; i < SITES; i++) {
      const { browser, info, proxy } = site(i);
      await openInvitation(browser.page, proxy.origin, info.token);
      if (i === 0) {
        await waitLobbyReady(browser.page, true);
        await saveScreenshot(browser.page, '03-lobby-site');
      }
      await joinFromLobby(browser.page, 'site');
    }
    const chairPeer = userPeer(seed.chair.id);
    for (let i = 0; i < SITES; i++) {
      const p = site(i).browser.page;
      const video = await waitForPeerMedia(p, chairPeer, 'video', 'framesDecoded', {
        what: `site ${i + 1} decoding the chair's video`,
        minDelta: 5,
      });
      expect(video.stat.frameWidth).toBeGreaterThan(0);
      // The decoded track is the one on the chair's tile of the site view.
      expect(await trackIdsIn(p, tid(TID.chairVideo))).toContain(video.consumer.trackId);
      await waitForPeerMedia(p, chairPeer, 'audio', 'packetsReceived', {
        what: `site ${i + 1} receiving the chair's audio packets`,
        minDelta: 5,
      });
      await waitForPeerMedia(p, chairPeer, 'audio', 'totalSamplesReceived', {
        what: `site ${i + 1} playing out the chair's audio`,
      });
    }
    await saveScreenshot(site(1).browser.page, '04-site-view');
    // The chair's grid shows the three sites connected, each tile decoding the site's camera
    // at a low simulcast layer (the grid never pulls the top layer).
    for (let i = 0; i < SITES; i++) {
      const siteId = site(i).info.siteId;
      await chair.page
        .locator(`${tid(`site-tile-${siteId}`)}[data-connected="true"]`)
        .waitFor({ timeout: 30_000 });
      const tile = await waitForPeerMedia(chair.page, sitePeer(siteId), 'video', 'framesDecoded', {
        what: `the chair's tile of site ${i + 1} decoding`,
        minDelta: 3,
      });
      // Sites publish 960x540 in three layers (240, 480, 960 wide): a tile settles on a low one.
      await waitUntil(
        async () => {
          const s = (await readRtcStats(chair.page)).inbound.find(
            (x) => x.trackIdentifier === tile.consumer.trackId,
          );
          return s && s.frameWidth > 0 && s.frameWidth <= 480;
        },
        { what: `the chair's tile of site ${i + 1} on a low simulcast layer`, detail: logs },
      );
      expect(await trackIdsIn(chair.page, tid(`site-video-${siteId}`))).toContain(
        tile.consumer.trackId,
      );
    }
  });

  it('the secretary signs in and sees the live attendance board', async () => {
    const p = secretary.page;
    await signInAndEnterMeeting(p, hub.origin, seed.secretary, seed.meetingId);
    await joinFromLobby(p, 'secretary');
    for (let i = 0; i < SITES; i++) {
      await p
        .locator(`${tid(`attendance-row-${site(i).info.siteId}`)}[data-connected="true"]`)
        .waitFor({ timeout: 30_000 });
    }
    const absent = seed.absentSites[0]!;
    await p
      .locator(`${tid(`attendance-row-${absent.siteId}`)}[data-connected="false"]`)
      .waitFor({ timeout: 30_000 });
  });

  it('a site requests the floor, the chair grants it, the other sites see and hear it', async () => {
    const speaker = site(0);
    const sp = speaker.browser.page;
    await sp.locator(tid(TID.requestFloor)).click();
    await sp.locator(`${tid(TID.floorStatus)}[data-state="queued"]`).waitFor({ timeout: 30_000 });

    const cp = chair.page;
    await cp.locator(tid(TID.queueEntry(speaker.info.siteId))).waitFor({ timeout: 30_000 });
    await cp.locator(tid(TID.grantFloor(speaker.info.siteId))).click();
    await cp
      .locator(`${tid(TID.floorHolder)}[data-site-id="${speaker.info.siteId}"]`)
      .waitFor({ timeout: 30_000 });

    // The server now allows the site's microphone and the client opens it for the holder.
    await sp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({ timeout: 30_000 });
    await sp.locator(`${tid(TID.micState)}[data-allowed="true"]`).waitFor({ timeout: 30_000 });
    await sp.locator(`${tid(TID.micState)}[data-mic="on"]`).waitFor({ timeout: 30_000 });
    await waitUntil(
      async () => (await debugSession(sp))?.producers.some((x) => x.kind === 'audio' && !x.paused),
      { what: "the floor holder's microphone producer to run", detail: logs },
    );

    const peer = sitePeer(speaker.info.siteId);
    for (const i of [1, 2]) {
      const p = site(i).browser.page;
      const video = await waitForPeerMedia(p, peer, 'video', 'framesDecoded', {
        what: `site ${i + 1} decoding the floor holder's video`,
        minDelta: 5,
      });
      expect(await trackIdsIn(p, tid(TID.spotlightVideo))).toContain(video.consumer.trackId);
      await waitForPeerMedia(p, peer, 'audio', 'packetsReceived', {
        what: `site ${i + 1} receiving the floor holder's audio`,
        minDelta: 5,
      });
      // Not silence: the fake microphone's tone adds energy to what the site plays out.
      await waitForPeerMedia(p, peer, 'audio', 'totalAudioEnergy', {
        what: `site ${i + 1} hearing the floor holder (audio energy)`,
      });
    }
    // The chair's spotlight shows the holder, and the client asks the SFU for a higher layer
    // than for a grid tile. (Which layer arrives depends on the sender's CPU and bandwidth
    // adaptation, so the decoded size is not asserted here.)
    const onChair = await waitForPeerMedia(cp, peer, 'video', 'framesDecoded', {
      what: "the chair decoding the floor holder's video",
      minDelta: 5,
    });
    expect(await trackIdsIn(cp, tid(TID.spotlightVideo))).toContain(onChair.consumer.trackId);
    await waitUntil(
      async () => {
        const d = await debugSession(cp);
        const c = d?.consumers.find((x) => x.consumerId === onChair.consumer.consumerId);
        return (c?.spatialLayer ?? 0) >= 1;
      },
      { what: "the chair's spotlight consumer to prefer a high layer", detail: logs },
    );
    await saveScreenshot(site(1).browser.page, '04-site-view-spotlight');
    await saveScreenshot(cp, '05-chair-console');
    // The README's picture is committed: refresh it only when asked (or when it is missing), so
    // a test run does not leave the working tree dirty.
    const readmeShot = path.join(repoRoot, 'docs/screenshots/chair-console.png');
    if (process.env.GIAOBAN_UPDATE_SCREENSHOTS === '1' || !existsSync(readmeShot)) {
      await mkdir(path.dirname(readmeShot), { recursive: true });
      await copyFile(
        path.join(repoRoot, 'tests/artifacts/screens/05-chair-console.png'),
        readmeShot,
      );
    }
  });

  it("mute all while a site holds the floor closes the holder's microphone until the chair asks it to unmute", async () => {
    const holder = site(0);
    const hp = holder.browser.page;
    const listener = site(2).browser.page;
    const cp = chair.page;
    const peer = sitePeer(holder.info.siteId);
    const serverMic = () =>
      hub
        .serverProducers(seed.meetingId)
        .find((p) => p.kind === 'audio' && p.peerId.startsWith(`${peer}:`));
    const holderMicLocal = async () =>
      (await debugSession(hp))?.producers.find((x) => x.kind === 'audio');
    const before = await waitForPeerMedia(listener, peer, 'audio', 'packetsReceived', {
      what: "site 3 receiving the floor holder's audio before mute all",
      minDelta: 5,
    });
    expect(serverMic()?.paused).toBe(false);

    await cp.locator(tid(TID.muteAll)).click();
    await confirmDialog(cp, 'confirm-mute-all');
    // The hub pauses the holder's mic producer and the holder's page shows it closed.
    await waitUntil(() => serverMic()?.paused === true, {
      what: "the holder's mic producer paused on the server",
      detail: logs,
    });
    await hp
      .locator(`${tid(TID.micState)}[data-allowed="false"][data-mic="off"]`)
      .waitFor({ timeout: 30_000 });
    await expectStalled(
      listener,
      before.consumer.trackId,
      'packetsReceived',
      "the muted holder's audio at site 3",
    );
    // And it stays closed (no reopen by the client), while the site keeps the floor.
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      expect(serverMic()?.paused, 'server mic producer reopened').toBe(true);
      expect((await holderMicLocal())?.paused, 'local mic producer reopened').toBe(true);
      expect(await hp.locator(tid(TID.micState)).getAttribute('data-mic')).toBe('off');
      await new Promise((r) => setTimeout(r, 250));
    }
    await hp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({ timeout: 5_000 });
    // The chair can no longer hear it either: the tile shows the mic off.
    await cp
      .locator(`${tid(`tile-mic-${holder.info.siteId}`)}[data-mic="off"]`)
      .waitFor({ timeout: 30_000 });

    // The chair asks it to unmute: the site is asked, not switched on. It sees a prompt, and
    // its mic stays closed (on the server too) until it clicks once to accept.
    await cp.locator(tid(`ask-unmute-${holder.info.siteId}`)).click();
    await hp.locator(tid('asked-to-unmute')).waitFor({ timeout: 30_000 });
    await saveScreenshot(hp, '09-site-asked-to-unmute');
    const asked = Date.now() + 2500;
    while (Date.now() < asked) {
      expect(serverMic()?.paused, 'mic opened before the site accepted').toBe(true);
      expect((await holderMicLocal())?.paused, 'local mic opened by itself').toBe(true);
      expect(await hp.locator(tid(TID.micState)).getAttribute('data-mic')).toBe('off');
      await new Promise((r) => setTimeout(r, 250));
    }
    await hp.locator(tid('accept-unmute')).click();
    await hp.locator(tid('asked-to-unmute')).waitFor({ state: 'detached', timeout: 30_000 });
    await hp.locator(`${tid(TID.micState)}[data-mic="on"]`).waitFor({ timeout: 30_000 });
    await waitUntil(() => serverMic()?.paused === false, {
      what: "the holder's mic producer resumed on the server",
      detail: logs,
    });
    const again = await waitForPeerMedia(listener, peer, 'audio', 'packetsReceived', {
      what: "site 3 receiving the holder's audio again after ask-to-unmute",
      minDelta: 5,
    });

    // Muting the holder alone closes it the same way; granting it the floor anew (after a
    // revoke) reopens it, and leaves it allowed by the floor only, as before this step.
    await cp.locator(tid(`mute-${holder.info.siteId}`)).click();
    await hp
      .locator(`${tid(TID.micState)}[data-allowed="false"][data-mic="off"]`)
      .waitFor({ timeout: 30_000 });
    await waitUntil(() => serverMic()?.paused === true, {
      what: "the holder's mic producer paused by an individual mute",
      detail: logs,
    });
    await expectStalled(
      listener,
      again.consumer.trackId,
      'packetsReceived',
      "the individually muted holder's audio at site 3",
    );
    await cp.locator(tid('revoke-floor')).click();
    await hp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({
      state: 'detached',
      timeout: 30_000,
    });
    await cp.locator(`${tid(`tile-grant-${holder.info.siteId}`)}:enabled`).click();
    await hp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({ timeout: 30_000 });
    await hp
      .locator(`${tid(TID.micState)}[data-allowed="true"][data-mic="on"]`)
      .waitFor({ timeout: 30_000 });
    await waitUntil(() => serverMic()?.paused === false, {
      what: "the re-granted holder's mic producer resumed on the server",
      detail: logs,
    });
  });

  it('the chair revokes the floor and mutes all: the server closes the site microphones', async () => {
    const holder = site(0);
    const listener = site(2).browser.page;
    const cp = chair.page;
    const peer = sitePeer(holder.info.siteId);
    const serverMic = () =>
      hub
        .serverProducers(seed.meetingId)
        .find((p) => p.kind === 'audio' && p.peerId.startsWith(`${peer}:`));
    const holderAudio = await waitForPeerMedia(listener, peer, 'audio', 'packetsReceived', {
      what: "site 3 receiving the floor holder's audio",
      minDelta: 5,
    });

    // Revoke: the holder loses its permission and the server pauses its microphone.
    await cp.locator(tid('revoke-floor')).click();
    const hp = holder.browser.page;
    await hp
      .locator(`${tid(TID.micState)}[data-allowed="false"][data-mic="off"]`)
      .waitFor({ timeout: 30_000 });
    await expectStalled(
      listener,
      holderAudio.consumer.trackId,
      'packetsReceived',
      "the former holder's audio at site 3",
    );
    await waitUntil(() => serverMic()?.paused === true, {
      what: "the former holder's mic producer paused on the server",
      detail: logs,
    });
    // Its own mic button cannot reopen it: the site has no floor any more.
    expect(await hp.locator(tid(TID.toggleMic)).isDisabled()).toBe(true);

    // Mute all with nobody holding the floor: every site mic stays paused on the server.
    await cp.locator(tid(TID.muteAll)).click();
    await confirmDialog(cp, 'confirm-mute-all');
    for (const s of sites) {
      await s.page
        .locator(`${tid(TID.micState)}[data-allowed="false"][data-mic="off"]`)
        .waitFor({ timeout: 30_000 });
    }
    expect(liveSiteMics()).toEqual([]);
    for (let i = 0; i < SITES; i++) {
      await cp
        .locator(`${tid(`tile-mic-${site(i).info.siteId}`)}[data-mic="off"]`)
        .waitFor({ timeout: 30_000 });
    }
  });

  it('the chair declines a request to speak and the site is told so', async () => {
    const asker = site(1);
    const ap = asker.browser.page;
    const cp = chair.page;
    await ap.locator(tid(TID.requestFloor)).click();
    await ap.locator(`${tid(TID.floorStatus)}[data-state="queued"]`).waitFor({ timeout: 30_000 });
    await cp.locator(tid(TID.queueEntry(asker.info.siteId))).waitFor({ timeout: 30_000 });
    await cp.locator(tid(`decline-floor-${asker.info.siteId}`)).click();
    // Out of the chair's queue, and the site reads why its request went.
    await cp
      .locator(tid(TID.queueEntry(asker.info.siteId)))
      .waitFor({ state: 'detached', timeout: 30_000 });
    const notice = ap.locator(tid('floor-declined'));
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toContain('Chủ trì đã từ chối yêu cầu phát biểu');
    await saveScreenshot(ap, '16-site-floor-declined');
    // It may ask again; asking clears the notice.
    await ap.locator(`${tid(TID.requestFloor)}:enabled`).waitFor({ timeout: 5_000 });
    await ap.locator(tid(TID.requestFloor)).click();
    await notice.waitFor({ state: 'detached', timeout: 30_000 });
    await ap.locator(tid('cancel-floor')).click();
    await ap.locator(`${tid(TID.floorStatus)}[data-state="queued"]`).waitFor({
      state: 'detached',
      timeout: 30_000,
    });
    expect(liveSiteMics()).toEqual([]);
  });

  it('the secretary runs a roll-call and every site answers with its headcount', async () => {
    const p = secretary.page;
    await p.locator(tid('rollcall-duration')).fill('300');
    await p.locator(`${tid('rollcall-panel')} ${tid('rollcall-start')}`).click();
    const headcounts = [12, 8, 15];
    for (let i = 0; i < SITES; i++) {
      const sp = site(i).browser.page;
      await sp.locator(tid('rollcall-prompt')).waitFor({ timeout: 30_000 });
      await sp.locator(tid('rollcall-headcount')).fill(String(headcounts[i]));
      await sp.locator(tid('rollcall-answer')).click();
      await sp.locator(tid('rollcall-answered')).waitFor({ timeout: 30_000 });
    }
    await p
      .locator(`${tid(TID.rollcallResults)}[data-answered="${SITES}"]`)
      .waitFor({ timeout: 30_000 });
    for (let i = 0; i < SITES; i++) {
      await expect
        .poll(() => p.locator(tid(TID.rollcallAnswer(site(i).info.siteId))).textContent(), {
          timeout: 30_000,
        })
        .toContain(String(headcounts[i]));
    }
  });

  it('the secretary marks the missing site absent with a reason and exports the attendance CSV', async () => {
    const p = secretary.page;
    const absent = seed.absentSites[0]!;
    const reason = 'Mất điện do mưa bão';
    await p.locator(tid(`mark-edit-${absent.siteId}`)).click();
    await p.locator(`${tid('mark-editor')}[data-site-id="${absent.siteId}"]`).waitFor();
    await p.locator(tid('mark-status')).selectOption('absent_with_reason');
    await p.locator(tid('mark-reason')).fill(reason);
    await p.locator(tid('mark-save')).click();
    await p
      .locator(`${tid(`attendance-row-${absent.siteId}`)}[data-status="absent_with_reason"]`)
      .waitFor({ timeout: 30_000 });
    await saveScreenshot(p, '06-secretary-console');

    const [download] = await Promise.all([
      p.waitForEvent('download', { timeout: 60_000 }),
      p.locator(tid(TID.exportCsv)).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^DiemDanh-.*\.csv$/);
    const file = await download.path();
    const csv = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.split(/\r?\n/);
    const row = lines.find((l) => l.includes(absent.siteId));
    expect(row, `no CSV row for ${absent.siteId} in:\n${csv}`).toBeDefined();
    expect(row).toContain(reason);
    for (let i = 0; i < SITES; i++) {
      expect(lines.some((l) => l.includes(site(i).info.siteId))).toBe(true);
    }
  });

  it("a site's network is cut (signalling reset, transports closed) and it recovers by itself", async () => {
    const victim = site(2);
    const p = victim.browser.page;
    const chairPeer = userPeer(seed.chair.id);
    const before = await waitForPeerMedia(p, chairPeer, 'video', 'framesDecoded', {
      what: 'decoding before the cut',
      minDelta: 3,
    });
    const ports = (await readRtcStats(p)).pcs
      .filter((pc) => pc.connectionState !== 'closed' && pc.localPort !== null)
      .map((pc) => pc.localPort!);
    expect(ports.length).toBeGreaterThan(0);

    // Cut: every TCP connection of the site is reset (and refused while cut), and its WebRTC
    // transports die on the server, as when a ward's line goes down.
    victim.proxy.cut();
    expect(hub.tracker.closeByRemotePorts(ports)).toBeGreaterThan(0);

    await p.locator(`${tid(TID.banner)}[data-state="reconnecting"]`).waitFor({ timeout: 60_000 });
    await expectStalled(p, before.consumer.trackId, 'framesDecoded', "the chair's video while cut");
    // The client keeps trying on its own while the line is down.
    await waitUntil(() => victim.proxy.refusedWhileCut > 0, {
      what: 'a reconnection attempt while the network is cut',
      timeoutMs: 60_000,
    });
    await saveScreenshot(p, '07-site-reconnecting');

    victim.proxy.restore();
    await waitUntil(async () => (await debugSession(p))?.connection.status === 'connected', {
      what: 'the site to reconnect its signalling',
      timeoutMs: 120_000,
      detail: logs,
    });
    // Media comes back by itself: the client's (new) consumer of the chair decodes again.
    const after = await waitForPeerMedia(p, chairPeer, 'video', 'framesDecoded', {
      what: "the chair's video decoding again after the cut",
      minDelta: 5,
      timeoutMs: 120_000,
    });
    expect(await trackIdsIn(p, tid(TID.chairVideo))).toContain(after.consumer.trackId);
    await p
      .locator(`${tid(TID.banner)}[data-state="reconnecting"]`)
      .waitFor({ state: 'detached', timeout: 60_000 });
    await chair.page
      .locator(`${tid(`site-tile-${victim.info.siteId}`)}[data-connected="true"]`)
      .waitFor({ timeout: 60_000 });
  });

  it('the holder turns its camera off: chair and sites show the camera off, not a frozen frame', async () => {
    const speaker = site(1);
    const sp = speaker.browser.page;
    const cp = chair.page;
    const watcher = site(0).browser.page;
    await cp.locator(`${tid(`tile-grant-${speaker.info.siteId}`)}:enabled`).click();
    await sp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({ timeout: 30_000 });
    for (const p of [cp, watcher]) {
      await p
        .locator(`${tid('video-spotlight-tile')}[data-video="live"]`)
        .waitFor({ timeout: 30_000 });
    }
    await sp.locator(tid('toggle-camera')).click();
    for (const p of [cp, watcher]) {
      await p
        .locator(`${tid('video-spotlight-tile')}[data-video="cameraOff"]`)
        .waitFor({ timeout: 30_000 });
      // No track left on the <video>: nothing frozen under the "speaking" caption.
      expect(await p.locator(tid(TID.spotlightVideo)).getAttribute('data-has-track')).toBe('false');
      expect(await p.locator(tid('video-spotlight-placeholder')).textContent()).toContain(
        'đã tắt máy quay',
      );
    }
    await saveScreenshot(cp, '10-chair-holder-camera-off');
    await saveScreenshot(watcher, '10-site-holder-camera-off');
    await sp.locator(tid('toggle-camera')).click();
    await cp
      .locator(`${tid('video-spotlight-tile')}[data-video="live"]`)
      .waitFor({ timeout: 30_000 });
    await cp.locator(tid('revoke-floor')).click();
    await sp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({
      state: 'detached',
      timeout: 30_000,
    });
  });

  it('the speaking site sees its countdown, is warned, and its mic closes at the limit', async () => {
    const speaker = site(1);
    const sp = speaker.browser.page;
    const peer = sitePeer(speaker.info.siteId);
    const serverMic = () =>
      hub
        .serverProducers(seed.meetingId)
        .find((p) => p.kind === 'audio' && p.peerId.startsWith(`${peer}:`));
    await hub.grantFloor(
      seed.meetingId,
      { id: seed.chair.id, name: seed.chair.displayName },
      speaker.info.siteId,
      12,
    );
    await sp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({ timeout: 30_000 });
    await sp.locator(`${tid('speaking-countdown')}[data-state="ok"]`).waitFor({ timeout: 30_000 });
    await waitUntil(() => serverMic()?.paused === false, {
      what: "the timed holder's mic producer running",
      detail: logs,
    });
    // The last part of the time is announced on the site's own screen.
    await sp
      .locator(`${tid('speaking-countdown')}[data-state="warning"]`)
      .waitFor({ timeout: 30_000 });
    await saveScreenshot(sp, '11-site-countdown-warning');
    // At the limit the hub takes the floor back and closes the mic; the site shows it closed.
    await sp.locator(`${tid(TID.floorStatus)}[data-state="holder"]`).waitFor({
      state: 'detached',
      timeout: 30_000,
    });
    await sp
      .locator(`${tid(TID.micState)}[data-allowed="false"][data-mic="off"]`)
      .waitFor({ timeout: 30_000 });
    await waitUntil(() => serverMic()?.paused === true, {
      what: "the expired holder's mic producer paused on the server",
      detail: logs,
    });
    expect(liveSiteMics()).toEqual([]);
  });

  it('a removed site is told so and stops receiving', async () => {
    const victim = site(2);
    const vp = victim.browser.page;
    const cp = chair.page;
    const chairPeer = userPeer(seed.chair.id);
    const before = await waitForPeerMedia(vp, chairPeer, 'video', 'framesDecoded', {
      what: 'the site decoding the chair before its removal',
      minDelta: 3,
    });
    await cp.locator(tid(`remove-${victim.info.siteId}`)).click();
    await confirmDialog(cp, 'confirm-remove');
    await vp.locator(`${tid('meeting-ended')}[data-reason="removed"]`).waitFor({ timeout: 30_000 });
    await saveScreenshot(vp, '12-site-removed');
    await waitUntil(async () => (await debugSession(vp))?.connection.status === 'removed', {
      what: 'the removed site session to end',
      detail: logs,
    });
    // Nothing arrives any more, and the hub holds no media of it.
    await expectStalled(
      vp,
      before.consumer.trackId,
      'framesDecoded',
      "the chair's video at the removed site",
    );
    const removedPeer = sitePeer(victim.info.siteId);
    await waitUntil(
      () =>
        !hub.serverProducers(seed.meetingId).some((p) => p.peerId.startsWith(`${removedPeer}:`)),
      { what: "the removed site's producers gone from the SFU", detail: logs },
    );
    // No transport and no socket of it is left on the hub (so nothing more can reach it).
    await waitUntil(
      () =>
        !hub.serverTransports(seed.meetingId).some((id) => id.startsWith(`${removedPeer}:`)) &&
        hub.siteSockets(victim.info.siteId) === 0,
      { what: "the removed site's transports and sockets gone from the hub", detail: logs },
    );
    expect(await vp.locator(tid('meeting-ended')).getAttribute('data-reason')).toBe('removed');
    await cp
      .locator(tid(`site-tile-${victim.info.siteId}`))
      .waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('the chair ends the meeting (after a confirmation): every site sees the end screen and media stops', async () => {
    const cp = chair.page;
    // A site is speaking, mic open, when the chair ends the meeting.
    const speaker = site(0);
    const peer = sitePeer(speaker.info.siteId);
    await hub.grantFloor(
      seed.meetingId,
      { id: seed.chair.id, name: seed.chair.displayName },
      speaker.info.siteId,
      0,
    );
    await waitUntil(() => liveSiteMics().some((id) => id.startsWith(`${peer}:`)), {
      what: "the speaking site's mic producer running before the close",
      detail: logs,
    });
    await cp.locator(tid('transition-closed')).click();
    await saveScreenshot(cp, '13-chair-confirm-close');
    await confirmDialog(cp, 'confirm-close');
    await cp.locator(`${tid('meeting-state')}.state-closed`).waitFor({ timeout: 30_000 });
    for (const i of [0, 1]) {
      const p = site(i).browser.page;
      await p.locator(`${tid('meeting-ended')}[data-reason="ended"]`).waitFor({ timeout: 30_000 });
      expect(await p.locator(tid('meeting-ended')).textContent()).toContain('Cuộc họp đã kết thúc');
      await waitUntil(async () => (await debugSession(p))?.connection.status === 'ended', {
        what: `site ${i + 1} session ended`,
        detail: logs,
      });
      expect((await debugSession(p))?.producers).toEqual([]);
    }
    await saveScreenshot(site(0).browser.page, '14-site-meeting-ended');
    // No site media left on the SFU, and the chair's controls that no longer apply are off.
    await waitUntil(
      () =>
        !hub.serverProducers(seed.meetingId).some((p) => p.peerId.startsWith('site:')) &&
        !hub.serverTransports(seed.meetingId).some((id) => id.startsWith('site:')) &&
        seed.sites.every((s) => hub.siteSockets(s.siteId) === 0),
      { what: 'every site producer, transport and socket gone after the close', detail: logs },
    );
    expect(liveSiteMics()).toEqual([]);
    await cp.locator(tid('chair-ended')).waitFor({ timeout: 30_000 });
    // The board follows: once the sites' connections end, nobody is counted connected.
    await cp.locator(`${tid('presence-summary')}[data-connected="0"]`).waitFor({ timeout: 30_000 });
    for (const id of ['mute-all', 'lock-meeting', 'share-screen']) {
      expect(await cp.locator(tid(id)).isDisabled(), id).toBe(true);
    }
    // What cannot happen any more is not offered at all: a roll-call, a vote, a notice.
    for (const id of ['rollcall-start', 'vote-start', 'notice-send']) {
      expect(await cp.locator(tid(id)).count(), id).toBe(0);
    }
    await saveScreenshot(cp, '15-chair-meeting-ended');
  });

  it('the admin screens render (screenshots)', async () => {
    const admin = await launchParticipant({
      label: 'admin',
      origin: hub.origin,
      viewport: { width: 1500, height: 1000 },
    });
    try {
      const p = admin.page;
      await signIn(p, hub.origin, hub.adminCredentials);
      await saveScreenshot(p, '02-meeting-list');
      await p.locator(tid(TID.navAdmin)).click();
      for (const tab of ['directory', 'groups', 'accounts', 'meetings']) {
        await p.locator(tid(`admin-tab-${tab}`)).click({ timeout: 30_000 });
        await p.locator(`${tid(`admin-tab-${tab}`)}[aria-selected="true"]`).waitFor();
        if (tab === 'groups') {
          // A saved group of every ward of Hà Nội, picked in the directory browser: open the
          // province, choose all its wards (every page), create.
          await p.locator(tid('group-name')).fill('Toàn bộ xã, phường Hà Nội');
          await p.locator(tid('group-units-open-01')).click({ timeout: 30_000 });
          await p.locator(tid('group-units-pick-all')).click();
          await p.locator(tid('group-create')).click();
          const size = await p
            .locator(`${tid('group-table')} tr[data-size]`)
            .first()
            .getAttribute('data-size', { timeout: 30_000 });
          expect(Number(size)).toBe(hanoiWards(10_000).length);
        }
        // Each tab shows its data once loaded: the Hà Nội wards, the group, the accounts, the meeting.
        const loaded = {
          directory: tid('unit-browser-provinces'),
          groups: tid('group-table'),
          accounts: tid(`account-row-${seed.chair.username}`),
          meetings: tid(`admin-meeting-${seed.meetingId}`),
        }[tab]!;
        await p.locator(loaded).first().waitFor({ timeout: 30_000 });
        if (tab === 'meetings') {
          // The new group is offered when a meeting is set up.
          await p
            .locator(`${tid('meeting-groups')} input[type="checkbox"]`)
            .first()
            .waitFor();
          // The meeting is closed by now (#10): its links no longer work, so none are handed
          // out; each site's link is listed with its uses (the sites joined through them).
          expect(await p.locator(tid(`invitations-load-${seed.meetingId}`)).count()).toBe(0);
          await p.locator(tid(`invitations-closed-${seed.meetingId}`)).waitFor();
          await p.locator(tid(`invitation-status-${seed.meetingId}`)).click();
          const rows = p.locator(`${tid(`invitation-manager-${seed.meetingId}`)} tbody tr`);
          await rows.first().waitFor({ timeout: 30_000 });
          expect(await rows.filter({ hasText: /\d+ lần/ }).count()).toBeGreaterThanOrEqual(SITES);
        }
        await saveScreenshot(p, `08-admin-${tab}`);
      }
    } finally {
      await admin.close();
    }
  });

  /** Site microphones the server lets through now (peer ids). */
  function liveSiteMics(): string[] {
    return hub
      .serverProducers(seed.meetingId)
      .filter((p) => p.kind === 'audio' && p.peerId.startsWith('site:') && !p.paused)
      .map((p) => p.peerId);
  }

  /** Two readings 1.5 s apart are equal (or the stream is gone): nothing arrives any more. */
  async function expectStalled(
    page: Page,
    trackId: string,
    counter: 'packetsReceived' | 'framesDecoded',
    what: string,
  ): Promise<void> {
    let previous: number | null = null;
    await waitUntil(
      async () => {
        const s = (await readRtcStats(page)).inbound.find((x) => x.trackIdentifier === trackId);
        const now = s ? s[counter] : -1;
        const stalled = previous !== null && now === previous;
        previous = now;
        return stalled;
      },
      { what: `${what} to stop`, intervalMs: 1500, timeoutMs: 30_000, detail: logs },
    );
  }
});
