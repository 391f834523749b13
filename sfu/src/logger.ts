/** The few log calls the media plane makes; the server can pass its own (pino-like) logger. */
export interface SfuLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  return `[sfu] ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`;
}

export const consoleLogger: SfuLogger = {
  info: (m, f) => console.info(line('info', m, f)),
  warn: (m, f) => console.warn(line('warn', m, f)),
  error: (m, f) => console.error(line('error', m, f)),
};

export const silentLogger: SfuLogger = { info() {}, warn() {}, error() {} };
