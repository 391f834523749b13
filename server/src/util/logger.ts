export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** One JSON line per entry on stderr: small, grep-able, no dependency. */
export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly name = 'hub',
  ) {}

  child(name: string): Logger {
    return new Logger(this.level, `${this.name}.${name}`);
  }

  debug(msg: string, extra?: Record<string, unknown>): void {
    this.write('debug', msg, extra);
  }
  info(msg: string, extra?: Record<string, unknown>): void {
    this.write('info', msg, extra);
  }
  warn(msg: string, extra?: Record<string, unknown>): void {
    this.write('warn', msg, extra);
  }
  error(msg: string, extra?: Record<string, unknown>): void {
    this.write('error', msg, extra);
  }

  private write(level: LogLevel, msg: string, extra?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = JSON.stringify({
      t: new Date().toISOString(),
      level,
      name: this.name,
      msg,
      ...extra,
    });
    process.stderr.write(`${line}\n`);
  }
}
