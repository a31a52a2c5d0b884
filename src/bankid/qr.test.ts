import { describe, expect, it } from 'vitest';
import { qrData } from './qr.js';

describe('animated QR', () => {
  // Test vectors from BankID's QR guide (reference §4).
  const token = '67df3917-fa0d-44e5-b327-edcc928297f8';
  const secret = 'd28db9a7-4cde-429e-a983-359be676944c';
  const start = Date.parse('2026-11-28T10:00:00Z');
  it.each([
    [0, 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8'],
    [1, 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2'],
    [2, 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.2.a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3'],
  ])('second %i', (seconds, expected) => {
    expect(qrData(token, secret, start, start + seconds * 1000 + 999)).toBe(expected);
  });
});
