import { randomBytes } from 'node:crypto';

/** Short random id (base64url, 16 bytes of entropy by default). */
export function newId(prefix = '', bytes = 12): string {
  return `${prefix}${randomBytes(bytes)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, 'x')}`;
}
