/**
 * The animated QR code of BankID's "other device" flow (RP API v6, reference §4):
 * `bankid.<qrStartToken>.<qrTime>.<qrAuthCode>`, where qrTime is the whole seconds since the
 * order was created and qrAuthCode is HMAC-SHA256(qrStartSecret, qrTime) in lower-case hex.
 * Computed on the server every second; qrStartSecret never leaves it.
 */
import { createHmac } from 'node:crypto';

export function qrData(qrStartToken: string, qrStartSecret: string, orderStartedAt: number, now: number): string {
  const qrTime = String(Math.max(0, Math.floor((now - orderStartedAt) / 1000)));
  const qrAuthCode = createHmac('sha256', qrStartSecret).update(qrTime).digest('hex');
  return `bankid.${qrStartToken}.${qrTime}.${qrAuthCode}`;
}
