/**
 * Shared benchmark output: `--json` prints exactly one JSON object on stdout and everything
 * else on stderr; without it the table goes to stdout. Progress always goes to stderr.
 */

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number;
  /** Decimals for numbers; default 0. */
  digits?: number;
}

export function wantsJson(argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes('--json');
}

/** Value of `--name value` or `--name=value`. */
export function argValue(
  name: string,
  argv: readonly string[] = process.argv.slice(2),
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function numberList(name: string, fallback: number[]): number[] {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new Error(`--${name} expects a comma-separated list of positive numbers, got "${raw}"`);
  }
  return list;
}

export function numberArg(name: string, fallback: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} expects a positive number, got "${raw}"`);
  return n;
}

/** Progress lines: always stderr, so stdout stays clean for JSON. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function formatTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row);
      return typeof v === 'number' ? v.toFixed(c.digits ?? 0) : v;
    }),
  );
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => r[i]!.length)),
  );
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padStart(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(columns.map((c) => c.header)), sep, ...cells.map(line)].join('\n');
}

/** Prints the table (stdout, or stderr under --json) and, under --json, the object on stdout. */
export function printResults<Row>(o: {
  title: string;
  columns: Column<Row>[];
  rows: Row[];
  json: Record<string, unknown>;
  notes?: string[];
}): void {
  const json = wantsJson();
  const text = [o.title, formatTable(o.columns, o.rows), ...(o.notes ?? [])].join('\n');
  if (json) {
    process.stderr.write(`${text}\n`);
    process.stdout.write(`${JSON.stringify(o.json)}\n`);
  } else {
    process.stdout.write(`${text}\n`);
  }
}
