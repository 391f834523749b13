export * from './domain';
export * from './errors';
export * from './records';
export * from './rest';
export * from './socket';
