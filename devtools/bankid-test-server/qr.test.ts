import { describe, expect, it } from 'vitest';
import { animatedQrString, isQrAuthCodeValid, parseQrString, qrAuthCode } from './qr.js';

// The test vectors of BankID's QR guide, as quoted in shared/reference/bankid.md §4.
const TOKEN = '67df3917-fa0d-44e5-b327-edcc928297f8';
const SECRET = 'd28db9a7-4cde-429e-a983-359be676944c';
const VECTORS = [
  `bankid.${TOKEN}.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8`,
  `bankid.${TOKEN}.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2`,
  `bankid.${TOKEN}.2.a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3`,
];

describe('animated QR (§4)', () => {
  it('reproduces the reference vectors for qrTime 0, 1 and 2', () => {
    expect([0, 1, 2].map((t) => animatedQrString(TOKEN, SECRET, t))).toEqual(VECTORS);
  });

  it('accepts the reference strings and refuses a code for another second or secret', () => {
    for (const qr of VECTORS) {
      const scanned = parseQrString(qr);
      expect(scanned).not.toBeNull();
      expect(isQrAuthCodeValid(SECRET, scanned!)).toBe(true);
      expect(isQrAuthCodeValid('00000000-0000-0000-0000-000000000000', scanned!)).toBe(false);
    }
    const shifted = parseQrString(`bankid.${TOKEN}.3.${qrAuthCode(SECRET, 2)}`)!;
    expect(isQrAuthCodeValid(SECRET, shifted)).toBe(false);
  });

  it('parses only the exact shape', () => {
    expect(parseQrString(`bankid.${TOKEN}.01.${qrAuthCode(SECRET, 1)}`)).toBeNull();
    expect(parseQrString(`bankid.${TOKEN}.1.${qrAuthCode(SECRET, 1).toUpperCase()}`)).toBeNull();
    expect(parseQrString(`bankid:///?autostarttoken=${TOKEN}`)).toBeNull();
    expect(parseQrString(`bankid.${TOKEN}.1.${qrAuthCode(SECRET, 1)}`)).toEqual({
      qrStartToken: TOKEN,
      qrTime: 1,
      qrAuthCode: qrAuthCode(SECRET, 1),
    });
  });
});
