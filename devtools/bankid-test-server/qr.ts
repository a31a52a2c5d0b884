/**
 * The animated QR code (shared/reference/bankid.md §4):
 * `bankid.<qrStartToken>.<qrTime>.<qrAuthCode>`, qrTime = whole seconds since the RP got the
 * auth/sign response, qrAuthCode = hex HMAC-SHA256(key = qrStartSecret as UTF-8, message =
 * qrTime as a decimal string).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function qrAuthCode(qrStartSecret: string, qrTime: number): string {
  return createHmac('sha256', qrStartSecret).update(String(qrTime)).digest('hex');
}

/** The string an RP renders as QR code `qrTime` seconds after it got the order. */
export function animatedQrString(qrStartToken: string, qrStartSecret: string, qrTime: number): string {
  return `bankid.${qrStartToken}.${qrTime}.${qrAuthCode(qrStartSecret, qrTime)}`;
}

export interface ScannedQr {
  qrStartToken: string;
  qrTime: number;
  qrAuthCode: string;
}

/** Splits a scanned string; null unless it has the exact shape (no leading zeros, lower-case hex). */
export function parseQrString(qr: string): ScannedQr | null {
  const match = /^bankid\.([0-9a-f-]{36})\.(0|[1-9]\d{0,5})\.([0-9a-f]{64})$/.exec(qr.trim());
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { qrStartToken: match[1], qrTime: Number(match[2]), qrAuthCode: match[3] };
}

/** Constant-time check of a scanned code against the order's secret. */
export function isQrAuthCodeValid(qrStartSecret: string, scanned: ScannedQr): boolean {
  const expected = Buffer.from(qrAuthCode(qrStartSecret, scanned.qrTime), 'hex');
  const actual = Buffer.from(scanned.qrAuthCode, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
