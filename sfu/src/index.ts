export type * as ms from 'mediasoup/node/lib/types';
export { DEFAULT_MEDIA_CODECS } from './codecs';
export {
  DEFAULT_WORKER_BIN,
  defaultSfuConfig,
  loadSfuConfig,
  SFU_ENV,
  type SfuConfig,
  type SfuLogLevel,
  validateSfuConfig,
} from './config';
export { EnhancedEventEmitter } from './EnhancedEventEmitter';
export * from './errors';
export { consoleLogger, type SfuLogger, silentLogger } from './logger';
export type { TransportDirection } from './MediaPeer';
export {
  MediaPlane,
  type MediaPlaneEvents,
  type MediaPlaneObserverEvents,
  type MediaPlaneOptions,
} from './MediaPlane';
export {
  type ConsumerInfo,
  type MediaKind,
  MediaRoom,
  type MediaRoomCloseReason,
  type MediaRoomEvents,
  type MediaRoomObserverEvents,
  PEER_LIMITS,
  type PlainTransportInfo,
  type ProducerInfo,
  type ProducerSource,
  type TransportLossOptions,
  type WebRtcTransportInfo,
} from './MediaRoom';
export type { PoolWorker, PoolWorkerUsage } from './PoolWorker';
export type {
  PipedProducer,
  PipeEndpoint,
  RemotePipe,
  RemotePipeEvents,
  RemotePipeOptions,
} from './RemotePipe';
export type { RoomRouter } from './RoomRouter';
export {
  RECORDER_RTP_CAPABILITIES,
  RECORDING_SLOT_KIND,
  RECORDING_SLOTS,
  RecorderPort,
  type RecorderPortEvents,
  type RecorderPortOptions,
  type RecorderSlotInfo,
  type RecorderSourceChange,
  type RecorderTarget,
  type RecordingSlot,
} from './recording/RecorderPort';
export type { SlotStats } from './recording/SlotRelay';
export { LossBudget, TRANSPORT_LOSS } from './TransportLoss';
export type { WorkerPool, WorkerPoolEvents } from './WorkerPool';
