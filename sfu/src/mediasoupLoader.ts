import { accessSync, constants } from 'node:fs';
import { SfuConfigError, SfuError } from './errors';

type Mediasoup = typeof import('mediasoup');

let loaded: { bin: string; module: Mediasoup } | undefined;

/**
 * Imports mediasoup for the given worker binary.
 *
 * mediasoup 3.12 reads MEDIASOUP_WORKER_BIN once, when its Worker module is first loaded, so
 * the variable must be set before the first import and every later load gets the same binary.
 * That is why nothing in sfu/ imports mediasoup statically (type imports are erased).
 */
export async function loadMediasoup(workerBin: string): Promise<Mediasoup> {
  try {
    accessSync(workerBin, constants.X_OK);
  } catch {
    throw new SfuConfigError(
      'MEDIASOUP_WORKER_BIN',
      `no executable mediasoup-worker at ${workerBin} (run "npm run setup" to build it)`,
    );
  }
  if (loaded) {
    if (loaded.bin !== workerBin) {
      throw new SfuError(
        'WORKER_BIN_MISMATCH',
        `mediasoup already loaded with worker ${loaded.bin}; cannot switch to ${workerBin} in one process`,
      );
    }
    return loaded.module;
  }
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const imported = (await import('mediasoup')) as Partial<Mediasoup> & { default?: Mediasoup };
  // CJS through ESM: the namespace may carry the exports on `default`.
  const module = (
    typeof imported.createWorker === 'function' ? imported : imported.default
  ) as Mediasoup;
  if (module.workerBin !== workerBin) {
    throw new SfuError(
      'WORKER_BIN_MISMATCH',
      `mediasoup was imported before MEDIASOUP_WORKER_BIN was set (it uses ${module.workerBin})`,
    );
  }
  loaded = { bin: workerBin, module };
  return module;
}
