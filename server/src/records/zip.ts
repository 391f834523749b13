import { strToU8, type Zippable, zipSync } from 'fflate';
import type { LocalTime } from './time.js';

/**
 * A zip container that is byte-identical for the same input.
 *
 * fflate writes the DOS timestamp from the *local* fields of the Date it is given (getHours and
 * friends), so a Date built from an instant would give different bytes on servers in different
 * zones. Instead the Date is built from the wall-clock fields we want stored, with the local-time
 * constructor, which round-trips on any server zone. Entries keep the order given.
 */
export type ZipEntry = readonly [path: string, content: string | Uint8Array];

function dosStamp(t: LocalTime): Date {
  const year = Math.min(2099, Math.max(1980, t.year));
  const exact = new Date(year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const roundTrips =
    exact.getFullYear() === year &&
    exact.getMonth() === t.month - 1 &&
    exact.getDate() === t.day &&
    exact.getHours() === t.hour &&
    exact.getMinutes() === t.minute;
  // The wall-clock time falls in the server zone's DST gap: noon of that day always exists.
  return roundTrips ? exact : new Date(year, t.month - 1, t.day, 12, 0, 0);
}

export function zipDeterministic(entries: readonly ZipEntry[], stamp: LocalTime): Uint8Array {
  const mtime = dosStamp(stamp);
  const files: Zippable = {};
  for (const [path, content] of entries) {
    const data = typeof content === 'string' ? strToU8(content) : content;
    files[path] = [data, { mtime, level: 6, os: 0, attrs: 0 }];
  }
  return zipSync(files, { mtime, level: 6 });
}
