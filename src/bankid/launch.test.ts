import { describe, expect, it } from 'vitest';
import { launchUrl, platformOf } from './launch.js';

const base = { autoStartToken: 'abc-123', returnUrl: 'https://kw.example/bankid/wait' };

describe('BankID launch links per platform', () => {
  it.each([
    ['Windows Chrome', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36', 'bankid:///?autostarttoken=abc-123&redirect=null'],
    ['iOS Safari', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1', 'https://app.bankid.com/?autostarttoken=abc-123&redirect=https%3A%2F%2Fkw.example%2Fbankid%2Fwait'],
    ['iOS Chrome', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) CriOS/156.0 Mobile/15E148 Safari/604.1', 'bankid:///?autostarttoken=abc-123&redirect=googlechromes%3A%2F%2F'],
    ['iOS Firefox', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) FxiOS/140.0 Mobile/15E148 Safari/605.1.15', 'bankid:///?autostarttoken=abc-123&redirect=firefox%3A%2F%2F'],
    ['Android Chrome', 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/156.0 Mobile Safari/537.36', 'https://app.bankid.com/?autostarttoken=abc-123&redirect=null'],
    ['Android Samsung', 'Mozilla/5.0 (Linux; Android 15; SM-S921B) AppleWebKit/537.36 SamsungBrowser/28.0 Chrome/130.0 Mobile Safari/537.36', 'bankid:///?autostarttoken=abc-123&redirect=null'],
  ])('%s', (_name, ua, expected) => {
    expect(launchUrl({ ...base, userAgent: ua })).toBe(expected);
  });

  it('points at the test app when configured (demo and tests)', () => {
    expect(launchUrl({ ...base, userAgent: 'x', override: 'https://127.0.0.1:9/app/autostart' })).toBe(
      'https://127.0.0.1:9/app/autostart?autostarttoken=abc-123&redirect=https%3A%2F%2Fkw.example%2Fbankid%2Fwait',
    );
  });

  it('tells phones from computers', () => {
    expect(platformOf('Mozilla/5.0 (Linux; Android 15) Mobile').mobile).toBe(true);
    expect(platformOf('Mozilla/5.0 (X11; Linux x86_64)').mobile).toBe(false);
  });
});
