import type { RecorderSlotInfo, RecorderTarget } from '@giaoban/sfu';

/**
 * The session description ffmpeg reads the recorder port's streams from: one m-line per slot,
 * in RECORDING_SLOTS order (so track n of the file is slot n), RTCP on the port after each.
 */
export function recorderSdp(slots: readonly RecorderSlotInfo[], target: RecorderTarget): string {
  const lines = [
    'v=0',
    `o=- 0 0 IN IP4 ${target.ip}`,
    's=GiaoBan recording',
    `c=IN IP4 ${target.ip}`,
    't=0 0',
  ];
  for (const s of slots) {
    const { rtp, rtcp } = target.ports[s.slot];
    if (rtcp !== rtp + 1) throw new Error(`slot ${s.slot}: RTCP must be on the port after RTP`);
    lines.push(
      `m=${s.kind} ${rtp} RTP/AVP ${s.payloadType}`,
      `a=rtpmap:${s.payloadType} ${s.encoding}/${s.clockRate}${s.channels ? `/${s.channels}` : ''}`,
      `a=ssrc:${s.ssrc} cname:giaoban-${s.slot}`,
      'a=recvonly',
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
