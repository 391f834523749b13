import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_BIN, loadSfuConfig, type SfuConfig, validateSfuConfig } from './config';
import { SfuConfigError } from './errors';

function configError(fn: () => unknown): SfuConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SfuConfigError);
    return error as SfuConfigError;
  }
  throw new Error('expected an SfuConfigError');
}

describe('loadSfuConfig', () => {
  it('uses the documented defaults with an empty environment', () => {
    const c = loadSfuConfig({});
    expect(c).toEqual({
      numWorkers: os.cpus().length,
      listenIp: '127.0.0.1',
      portBase: 40000,
      rtcMinPort: 40100,
      rtcMaxPort: 49999,
      consumersPerRouter: 500,
      logLevel: 'error',
      keyFrameRequestDelayMs: 300,
      initialOutgoingBitrate: 1_000_000,
      udpRecvBufferBytes: 4 * 1024 * 1024,
      udpSendBufferBytes: 4 * 1024 * 1024,
      dynacast: true,
      dynacastOffDelayMs: 1000,
      workerBin: DEFAULT_WORKER_BIN,
    } satisfies SfuConfig);
    expect(DEFAULT_WORKER_BIN).toMatch(/sfu\/\.worker\/mediasoup-worker$/);
  });

  it('reads every variable', () => {
    const c = loadSfuConfig({
      SFU_WORKERS: '3',
      SFU_LISTEN_IP: '0.0.0.0',
      SFU_ANNOUNCED_ADDRESS: 'media.example.vn',
      SFU_PORT_BASE: '30000',
      SFU_RTC_MIN_PORT: '31000',
      SFU_RTC_MAX_PORT: '31999',
      SFU_CONSUMERS_PER_ROUTER: '250',
      SFU_LOG_LEVEL: 'warn',
      SFU_KEYFRAME_REQUEST_DELAY_MS: '2000',
      SFU_INITIAL_OUTGOING_BITRATE: '600000',
      SFU_UDP_RECV_BUFFER: '0',
      SFU_UDP_SEND_BUFFER: '1048576',
      SFU_DYNACAST: 'false',
      SFU_DYNACAST_OFF_DELAY_MS: '0',
      MEDIASOUP_WORKER_BIN: '/opt/ms/mediasoup-worker',
    });
    expect(c).toEqual({
      numWorkers: 3,
      listenIp: '0.0.0.0',
      announcedAddress: 'media.example.vn',
      portBase: 30000,
      rtcMinPort: 31000,
      rtcMaxPort: 31999,
      consumersPerRouter: 250,
      logLevel: 'warn',
      keyFrameRequestDelayMs: 2000,
      initialOutgoingBitrate: 600000,
      udpRecvBufferBytes: 0,
      udpSendBufferBytes: 1048576,
      dynacast: false,
      dynacastOffDelayMs: 0,
      workerBin: '/opt/ms/mediasoup-worker',
    });
  });

  it('allows portBase 0 (OS-picked WebRTC ports) without an overlap check', () => {
    expect(loadSfuConfig({ SFU_PORT_BASE: '0', SFU_RTC_MIN_PORT: '40000' }).portBase).toBe(0);
  });

  it.each([
    ['SFU_WORKERS', 'two'],
    ['SFU_WORKERS', '0'],
    ['SFU_WORKERS', '-1'],
    ['SFU_WORKERS', '1.5'],
    ['SFU_PORT_BASE', '70000'],
    ['SFU_RTC_MIN_PORT', '80'],
    ['SFU_RTC_MAX_PORT', '65536'],
    ['SFU_CONSUMERS_PER_ROUTER', '0'],
    ['SFU_LOG_LEVEL', 'verbose'],
    ['SFU_LISTEN_IP', 'localhost'],
    ['SFU_ANNOUNCED_ADDRESS', 'not a host!'],
    ['SFU_KEYFRAME_REQUEST_DELAY_MS', 'soon'],
    ['SFU_INITIAL_OUTGOING_BITRATE', '10'],
    ['SFU_UDP_RECV_BUFFER', '4MB'],
    ['SFU_UDP_SEND_BUFFER', '1073741824'],
    ['SFU_DYNACAST', 'yes'],
    ['SFU_DYNACAST_OFF_DELAY_MS', '-5'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const e = configError(() => loadSfuConfig({ [name]: value }));
    expect(e.variable).toBe(name);
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.message).toContain(name);
  });

  it('rejects a min port above the max port', () => {
    const e = configError(() =>
      loadSfuConfig({ SFU_RTC_MIN_PORT: '45000', SFU_RTC_MAX_PORT: '44000' }),
    );
    expect(e.variable).toBe('SFU_RTC_MIN_PORT');
  });

  it('rejects WebRTC ports inside the plain/pipe range', () => {
    const e = configError(() => loadSfuConfig({ SFU_PORT_BASE: '40500', SFU_WORKERS: '2' }));
    expect(e.variable).toBe('SFU_PORT_BASE');
    expect(e.message).toMatch(/40500-40501 overlap/);
  });

  it('requires an announced address when listening on a wildcard address', () => {
    const e = configError(() => loadSfuConfig({ SFU_LISTEN_IP: '0.0.0.0' }));
    expect(e.variable).toBe('SFU_ANNOUNCED_ADDRESS');
  });
});

describe('validateSfuConfig', () => {
  it('checks configs built in code with the env variable names', () => {
    const good = loadSfuConfig({});
    expect(validateSfuConfig({ ...good })).toEqual(good);
    const e = configError(() => validateSfuConfig({ ...good, consumersPerRouter: Number.NaN }));
    expect(e.variable).toBe('SFU_CONSUMERS_PER_ROUTER');
  });
});
