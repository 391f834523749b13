import type { Logger } from '../util/logger';
import { type FileStore, PENDING_UPLOAD_TTL_MS, SWEEP_EVERY_MS } from './FileStore';

/**
 * Removes uploads nothing came to refer to (a ward attached a file and never sent its report; an
 * attach the meeting refused): at start, then every `everyMs`. Only files marked pending are
 * candidates, so the archive's files and everything the log names stay.
 */
export class FileSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly files: FileStore,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly ttlMs = PENDING_UPLOAD_TTL_MS,
    private readonly everyMs = SWEEP_EVERY_MS,
  ) {}

  start(): this {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** One pass (never two at once); failures are logged, the next pass tries again. */
  sweep(): Promise<void> {
    this.running ??= this.files
      .sweepPending(this.ttlMs)
      .then((n) => {
        if (n > 0) this.log.info('removed uploads never referred to', { removed: n });
      })
      .catch((err: unknown) => this.log.warn('file sweep failed', { err: String(err) }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
