// SDP for a werift peer against a mediasoup WebRtcTransport, as mediasoup-client's RemoteSdp
// writes it: the server's side is ice-lite, DTLS "server" (the werift peer is the DTLS client).

export interface MsTransport {
  id: string;
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: Array<{
    foundation: string;
    priority: number;
    ip: string;
    protocol: string;
    port: number;
    type: string;
  }>;
  dtlsParameters: { fingerprints: Array<{ algorithm: string; value: string }> };
}

export interface MsRtpParameters {
  mid?: string;
  codecs: Array<{
    mimeType: string;
    payloadType: number;
    clockRate: number;
    channels?: number;
    parameters?: Record<string, unknown>;
    rtcpFeedback?: Array<{ type: string; parameter?: string }>;
  }>;
  headerExtensions?: Array<{ uri: string; id: number }>;
  encodings?: Array<{ ssrc?: number; rtx?: { ssrc: number } }>;
  rtcp?: { cname?: string };
}

function session(t: MsTransport, mids: string[]): string[] {
  const fp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!;
  return [
    'v=0',
    'o=mediasoup 10000 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=fingerprint:${fp.algorithm} ${fp.value.toUpperCase()}`,
    'a=msid-semantic: WMS *',
    `a=group:BUNDLE ${mids.join(' ')}`,
  ];
}

function transportLines(t: MsTransport, setup: string): string[] {
  const lines = [
    'c=IN IP4 127.0.0.1',
    `a=ice-ufrag:${t.iceParameters.usernameFragment}`,
    `a=ice-pwd:${t.iceParameters.password}`,
  ];
  for (const c of t.iceCandidates) {
    if (c.protocol !== 'udp') continue;
    lines.push(`a=candidate:${c.foundation} 1 udp ${c.priority} ${c.ip} ${c.port} typ ${c.type}`);
  }
  lines.push('a=end-of-candidates', `a=setup:${setup}`);
  return lines;
}

function codecLines(p: MsRtpParameters): string[] {
  const lines: string[] = [];
  for (const c of p.codecs) {
    const [, name] = c.mimeType.split('/');
    lines.push(
      `a=rtpmap:${c.payloadType} ${name}/${c.clockRate}${c.channels ? `/${c.channels}` : ''}`,
    );
    const params = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${v}`);
    if (params.length) lines.push(`a=fmtp:${c.payloadType} ${params.join(';')}`);
    for (const fb of c.rtcpFeedback ?? []) {
      lines.push(`a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`);
    }
  }
  for (const e of p.headerExtensions ?? []) lines.push(`a=extmap:${e.id} ${e.uri}`);
  lines.push('a=rtcp-mux', 'a=rtcp-rsize');
  return lines;
}

/** The server's offer for a receive transport carrying these consumers (one m= each). */
export function recvOffer(
  t: MsTransport,
  consumers: Array<{ kind: 'audio' | 'video'; rtpParameters: MsRtpParameters; id: string }>,
): string {
  const mids = consumers.map((c) => c.rtpParameters.mid!);
  const lines = session(t, mids);
  for (const c of consumers) {
    const p = c.rtpParameters;
    const pts = p.codecs.map((x) => x.payloadType).join(' ');
    lines.push(`m=${c.kind} 7 UDP/TLS/RTP/SAVPF ${pts}`, ...transportLines(t, 'actpass'));
    lines.push(`a=mid:${p.mid}`, 'a=sendonly', ...codecLines(p));
    const enc = p.encodings![0]!;
    const cname = p.rtcp?.cname ?? 'mediasoup';
    lines.push(`a=ssrc:${enc.ssrc} cname:${cname}`, `a=ssrc:${enc.ssrc} msid:s${c.id} t${c.id}`);
    if (enc.rtx) {
      lines.push(`a=ssrc:${enc.rtx.ssrc} cname:${cname}`);
      lines.push(`a=ssrc-group:FID ${enc.ssrc} ${enc.rtx.ssrc}`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface OfferSection {
  kind: 'audio' | 'video';
  mid: string;
  codecs: MsRtpParameters['codecs'];
  headerExtensions: Array<{ uri: string; id: number }>;
}

/** What a local (werift) offer says per m= section: mid, payload types, extension ids. */
export function parseOffer(sdp: string): OfferSection[] {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  return sections.map((s) => {
    const kind = s.startsWith('audio') ? 'audio' : 'video';
    const mid = /a=mid:(\S+)/.exec(s)![1]!;
    const codecs: OfferSection['codecs'] = [];
    for (const m of s.matchAll(/a=rtpmap:(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?/g)) {
      const pt = Number(m[1]);
      const fb = [...s.matchAll(new RegExp(`a=rtcp-fb:${pt} (\\S+)(?: (\\S+))?`, 'g'))].map((f) =>
        f[2] ? { type: f[1]!, parameter: f[2] } : { type: f[1]! },
      );
      const fmtp = new RegExp(`a=fmtp:${pt} (\\S+)`).exec(s)?.[1];
      const parameters: Record<string, unknown> = {};
      for (const kv of fmtp?.split(';') ?? []) {
        const [k, v] = kv.split('=');
        if (k && v !== undefined) parameters[k] = Number.isNaN(Number(v)) ? v : Number(v);
      }
      codecs.push({
        mimeType: `${kind}/${m[2]}`,
        payloadType: pt,
        clockRate: Number(m[3]),
        ...(m[4] ? { channels: Number(m[4]) } : {}),
        parameters,
        rtcpFeedback: fb,
      });
    }
    const headerExtensions = [...s.matchAll(/a=extmap:(\d+) (\S+)/g)].map((m) => ({
      id: Number(m[1]),
      uri: m[2]!,
    }));
    return { kind, mid, codecs, headerExtensions };
  });
}

/** The server's answer to a send offer: receive everything offered, same ids. */
export function sendAnswer(t: MsTransport, sections: OfferSection[]): string {
  const lines = session(
    t,
    sections.map((s) => s.mid),
  );
  for (const s of sections) {
    const pts = s.codecs.map((c) => c.payloadType).join(' ');
    lines.push(`m=${s.kind} 7 UDP/TLS/RTP/SAVPF ${pts}`, ...transportLines(t, 'passive'));
    lines.push(
      `a=mid:${s.mid}`,
      'a=recvonly',
      ...codecLines({ codecs: s.codecs, headerExtensions: s.headerExtensions }),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The DTLS fingerprint of a local description, as mediasoup's connect() wants it. */
export function localDtls(sdp: string): {
  role: 'client';
  fingerprints: Array<{ algorithm: string; value: string }>;
} {
  const m = /a=fingerprint:(\S+) (\S+)/.exec(sdp);
  if (!m) throw new Error('no fingerprint in the local description');
  return { role: 'client', fingerprints: [{ algorithm: m[1]!, value: m[2]! }] };
}
