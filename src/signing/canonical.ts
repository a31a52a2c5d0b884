/**
 * Canonical JSON (in the manner of RFC 8785): object keys sorted by UTF-16 code units, no
 * insignificant whitespace, strings escaped as JSON.stringify does. The same value always
 * gives the same bytes, so its SHA-256 digest identifies what was signed. Numbers must be
 * safe integers: amounts and other decimals travel as strings.
 */
import { createHash } from 'node:crypto';

export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('canonical documents carry only safe integers; write decimals as strings');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as CanonicalValue)}`).join(',')}}`;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
