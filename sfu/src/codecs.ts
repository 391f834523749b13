import type * as ms from 'mediasoup/node/lib/types';

/**
 * Codecs every room's routers offer. The client sends VP8 simulcast; H264 constrained baseline
 * (42e01f, packetization-mode 1) is for hardware endpoints and Safari; opus for all audio.
 */
export const DEFAULT_MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: {} },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];
