// Helpers for tests and the benchmark (import '@giaoban/sfu/testing'); not for production code.

export { testSfuConfig } from './config';
export {
  type FfmpegTestAudio,
  FfmpegTestSource,
  type FfmpegTestSourceOptions,
  type FfmpegTestVideo,
} from './FfmpegTestSource';
export { freePortRange, freeUdpPort } from './ports';
export { RtpCounter } from './RtpCounter';
export * from './rtp';
export {
  type SyntheticMediaOptions,
  SyntheticMediaSender,
  syntheticRtpParameters,
} from './SyntheticMediaSender';
