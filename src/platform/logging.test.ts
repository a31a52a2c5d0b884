import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubPersonalNumbers } from './logging.js';

/** A logger as the app makes it, writing its lines into an array. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ logLevel: 'info' }, sink), lines };
}

describe('logging', () => {
  it('scrubs personal numbers in any common shape', () => {
    expect(scrubPersonalNumbers('pnr 191212121212, 19121212-1212, 121212-1212 and 121212+1212')).toBe(
      'pnr [pnr], [pnr], [pnr] and [pnr]',
    );
    expect(scrubPersonalNumbers('order 1234567890123 stays')).toBe('order 1234567890123 stays');
  });

  it('never writes personal numbers, cookies or tokens to the log', () => {
    const { log, lines } = capturedLogger();
    log.info({ personnummer: '191212121212', user: { personnummer: '198112289874' }, token: 'abc', note: 'for 19121212-1212' }, 'login by 191212121212');
    log.info({ req: { method: 'GET', url: '/x?pnr=191212121212', headers: { cookie: 'kw_session=secret' } } }, 'request');
    log.error({ err: new Error('failed for 191212121212') }, 'boom');
    const out = lines.join('');
    expect(out).not.toMatch(/191212121212|198112289874|19121212-1212|kw_session=secret|"abc"/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('[pnr]');
  });

  it('never writes a card-signing bridge token (a bearer credential) to the log', () => {
    // Attack: whoever reads the request log replays Net iD's bridge → invariant: the token is not there.
    const { log, lines } = capturedLogger();
    const token = 'Q2FyZC1zaWduaW5nLWJyaWRnZS10b2tlbi0xMjM0NTY3';
    log.info({ req: { method: 'POST', url: `/sign/bridge/${token}`, headers: {} } }, 'incoming request');
    log.warn({ bridge: `http://localhost:3000/sign/bridge/${token}` }, `bridge http://localhost:3000/sign/bridge/${token} failed`);
    log.error({ err: new Error(`fetch /sign/bridge/${token} failed`) }, 'boom');
    log.info({ req: { method: 'GET', url: '/cases/0b5c2a6e-8f1d-4c3a-9e2b-7d6f5a4b3c21/review', headers: {} } }, 'incoming request');
    const out = lines.join('');
    expect(out).not.toContain(token);
    expect(out).toContain('/sign/bridge/[token]');
    expect(out).toContain('/cases/0b5c2a6e-8f1d-4c3a-9e2b-7d6f5a4b3c21/review');
  });
});
