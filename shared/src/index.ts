export * from './domain';
export * from './errors';
export * from './mayProduce';
export * from './meetingLog';
export * from './peerId';
export * from './records';
export * from './rest';
export * from './socket';
