/**
 * The login rate limit counts a client by its address: an IPv4 address, or an IPv6 /64 (the
 * block one customer gets). Each test opens with the attack and the invariant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitKey } from '../platform/http/rate-limit-store.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { KW_LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
});
afterAll(() => t.close());

const hit = (remoteAddress: string) => t.app.inject({ url: '/login', remoteAddress });

describe('login rate limit', () => {
  it('attack: tries from ever new addresses of one IPv6 /64 → invariant: they share one budget, another /64 keeps its own', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await hit(`2001:db8:aa:bb::${i.toString(16)}:${(i * 7919).toString(16)}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await hit('2001:db8:aa:bb:ffff:ffff:ffff:fffe')).statusCode).toBe(429);
    expect((await hit('2001:db8:aa:bc::1')).statusCode).toBe(200);
  });

  it('keys IPv4 by the address, however written, and IPv6 by its /64 in one canonical form', () => {
    expect(rateLimitKey('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitKey('2001:DB8:0:0:1::2')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('2001:0db8:0000:0000:abcd::')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
  });
});
