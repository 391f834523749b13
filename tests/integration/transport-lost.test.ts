// Issue #11: the worker closes a site's transport under it (its DTLS went 'closed' or 'failed':
// MediaRoom's dtlsstatechange handler) and the site is never told: it keeps a dead transport and
// shows a frozen chair forever. Real parts: a hub process with a real mediasoup worker, the chair
// and one site on werift (ICE, DTLS, SRTP) in this process. The site's receive transport gets a
// real DTLS close_notify (WebRtcSite.sendRecvCloseNotify) while the site keeps waiting for the
// chair — the worker's DTLS goes 'closed' and it closes the transport. The hub must push
// media:reset { reason: 'transportlost' } to that site only; the site rebuilds and decodes the
// chair again. A site that keeps losing its transports is refused new ones (TRANSPORTS_LOST)
// after TRANSPORT_LOSS.max losses in a minute instead of being reset forever.
import { TRANSPORT_LOSS } from '@giaoban/sfu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../harness/hub';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { audioClip, CHAIR_VIDEO, prepareMedia, SITE_LAYERS, videoClip } from '../load/mediaFiles';
import { readOggOpus } from '../load/ogg';
import { readIvf } from '../load/vp8';
import { MediaClock, type PeerStats, WebRtcSite } from '../load/WebRtcSite';

let hub: HubProcess | undefined;
let chair: WebRtcSite | undefined;
let site: WebRtcSite | undefined;
const clock = new MediaClock();

beforeAll(async () => {
  prepareMedia(() => {});
  hub = await startHubProcess({
    JWT_SECRET: 'test-secret-for-integration-0123456789',
    MEDIA_ENABLED: 'true',
    SFU_WORKERS: '1',
    SFU_LISTEN_IP: '127.0.0.1',
    SFU_PORT_BASE: '0',
    SFU_LOG_LEVEL: 'error',
    SEED_SITES: '1',
    SEED_PROVINCE: '*',
    ...(process.env.MEDIASOUP_WORKER_BIN
      ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
      : {}),
  });
  const opus = readOggOpus(audioClip());
  const seed = hub.seed!;
  chair = await WebRtcSite.joinAsChair({
    hubUrl: hub.url,
    username: seed.people.chair.username,
    password: seed.people.chair.password,
    meetingId: seed.meetingId,
    media: { layers: [readIvf(videoClip(CHAIR_VIDEO))], opus },
    clock,
  });
  site = await WebRtcSite.join({
    hubUrl: hub.url,
    invitation: seed.sites[0]!.inviteUrl,
    label: seed.sites[0]!.siteId,
    media: { layers: SITE_LAYERS.map((s) => readIvf(videoClip(s))), opus },
    clock,
    send: true,
  });
  expect(site.error).toBeUndefined();
}, 180_000);

afterAll(async () => {
  await Promise.all([site?.close(), chair?.close()]);
  clock.stop();
  await hub?.stop('SIGKILL');
});

const consumerIds = (st: PeerStats) => (st.recv?.consumers ?? []).map((c) => c.id).sort();

/** The site decodes the chair on its current receive transport: returns those consumers. */
async function chairOnScreen(what: string): Promise<string[]> {
  return eventually<string[] | false>(
    () => {
      const st = site!.stats();
      // (werift leaves a second peer connection's iceConnectionState at "checking" while its
      // media flows, so RecvDiagnosis.stage is no help after a rebuild: look at the media.)
      const flowing =
        st.recv?.dtls === 'connected' &&
        st.recv.consumers.length === 2 &&
        st.recv.consumers.every((c) => c.track && c.packets > 0);
      return flowing && st.video?.firstKeyFrameAt != null && consumerIds(st);
    },
    30_000,
    what,
  ).then(
    (ids) => ids as string[],
    (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(site!.stats())}`);
    },
  );
}

/** Closes the site's receive DTLS under it and waits for reset number `n` (then the chair). */
async function loseTransport(n: number): Promise<string[]> {
  const before = await chairOnScreen(`the chair before loss ${n}`);
  await site!.sendRecvCloseNotify();
  await eventually(
    () => site!.stats().resetReasons?.transportlost === n,
    30_000,
    `media:reset transportlost #${n} (got ${JSON.stringify(site!.stats().resetReasons)})`,
  );
  return before;
}

it('a site whose receive transport the worker closed is reset alone, rebuilds and gets the chair again', async () => {
  const before = await loseTransport(1);
  const after = await chairOnScreen('the chair after the reset');
  // New consumers on a new receive transport, not the dead ones.
  expect(after.some((id) => before.includes(id))).toBe(false);
  expect(site!.stats()).toMatchObject({ resets: 1, resetReasons: { transportlost: 1 } });
  expect(site!.error).toBeUndefined();
  // Only the affected peer: the chair was not reset.
  expect(chair!.stats().resets).toBe(0);
  // The worker holds the site's new transports (the lost one and its sibling are gone).
  const seed = hub!.seed!;
  const peer = `site:${site!.label}:${site!.stats().socketId}`;
  type View = { transports: Array<{ direction: string; dtlsState: string }> } | undefined;
  let view: View;
  await eventually(
    async () => {
      view = (await hub!.diagnose(seed.meetingId, [peer]))[peer] as View;
      return view?.transports.every((t) => t.dtlsState === 'connected');
    },
    30_000,
    'both new transports connected',
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(view)}`);
  });
  expect(view!.transports.map((t) => t.direction).sort()).toEqual(['recv', 'send']);
}, 120_000);

it(`a site that keeps losing its transport is refused new ones after ${TRANSPORT_LOSS.max} losses a minute`, async () => {
  for (let n = 2; n <= TRANSPORT_LOSS.max; n++) await loseTransport(n);
  // The last reset's rebuild is refused with the typed error instead of another round.
  await eventually(
    () => /TRANSPORTS_LOST/.test(site!.error ?? ''),
    30_000,
    `TRANSPORTS_LOST (site error: ${site!.error})`,
  );
  expect(site!.stats().resetReasons).toEqual({ transportlost: TRANSPORT_LOSS.max });
  expect(chair!.stats().resets).toBe(0);
}, 120_000);
