import { defaultSfuConfig, loadSfuConfig, type SfuConfig } from '../config';
import { freePortRange } from './ports';

/**
 * A config for tests: loopback, OS-picked WebRTC ports inside a small range of ports that were
 * free a moment ago, quiet worker logs. MEDIASOUP_WORKER_BIN is honoured like in production.
 */
export async function testSfuConfig(
  overrides: Partial<SfuConfig> = {},
  rangeSize = 60,
): Promise<SfuConfig> {
  // Keep the plain/pipe range clear of fixed WebRTC ports a test chose (validation rejects that).
  const webrtcMin = overrides.portBase || 0;
  const webrtcMax = webrtcMin + (overrides.numWorkers ?? 1) - 1;
  let range = await freePortRange(rangeSize);
  for (let i = 0; webrtcMin && range.min <= webrtcMax && range.max >= webrtcMin; i++) {
    if (i > 20) throw new Error('no port range clear of the WebRTC ports');
    range = await freePortRange(rangeSize);
  }
  const base = process.env.MEDIASOUP_WORKER_BIN
    ? loadSfuConfig({ MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN })
    : defaultSfuConfig();
  return {
    ...base,
    numWorkers: 1,
    listenIp: '127.0.0.1',
    portBase: 0,
    rtcMinPort: range.min,
    rtcMaxPort: range.max,
    logLevel: 'error',
    ...overrides,
  };
}
