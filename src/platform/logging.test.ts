import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubPersonalNumbers } from './logging.js';

describe('logging', () => {
  it('scrubs personal numbers in any common shape', () => {
    expect(scrubPersonalNumbers('pnr 191212121212, 19121212-1212, 121212-1212 and 121212+1212')).toBe(
      'pnr [pnr], [pnr], [pnr] and [pnr]',
    );
    expect(scrubPersonalNumbers('order 1234567890123 stays')).toBe('order 1234567890123 stays');
  });

  it('never writes personal numbers, cookies or tokens to the log', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ logLevel: 'info' }, sink);
    log.info({ personnummer: '191212121212', user: { personnummer: '198112289874' }, token: 'abc', note: 'for 19121212-1212' }, 'login by 191212121212');
    log.info({ req: { method: 'GET', url: '/x?pnr=191212121212', headers: { cookie: 'kw_session=secret' } } }, 'request');
    log.error({ err: new Error('failed for 191212121212') }, 'boom');
    const out = lines.join('');
    expect(out).not.toMatch(/191212121212|198112289874|19121212-1212|kw_session=secret|"abc"/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('[pnr]');
  });
});
