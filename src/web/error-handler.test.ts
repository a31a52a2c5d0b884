/**
 * The one error handler: any error of the portal's base thrown from a route (AppError, a
 * feature's, a class it has never heard of) is answered with its own status and its text
 * in the visitor's language, as a page or as JSON when asked; the detail never reaches them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { BankIdError } from '../bankid/rp-client.js';
import { testConfig } from '../config/config.js';
import { RegisterError } from '../organisation/register.js';
import { isPortalError, PortalError, type ErrorMeanings } from '../platform/errors.js';
import { SigningError } from '../signing/service.js';
import { AppError } from './errors.js';

type ParcelCode = 'lost' | 'late';

const MEANINGS = {
  lost: { status: 410, message: 'error.not_found' },
  late: { status: 503, message: 'error.unavailable' },
} satisfies ErrorMeanings<ParcelCode>;

/** A class the handler has never heard of: only the base is known to it. */
class ParcelError extends PortalError<ParcelCode> {
  constructor(code: ParcelCode, detail: string) {
    super(code, MEANINGS[code], detail);
    this.name = 'ParcelError';
  }
}

const SECRET = 'internal-detail-7f3a';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildApp(testConfig()));
  app.get<{ Params: { code: ParcelCode } }>('/test/parcel/:code', async (request) => {
    throw new ParcelError(request.params.code, SECRET);
  });
  app.get('/test/signing', async () => {
    throw new SigningError('not_member', SECRET);
  });
  app.get('/test/register', async () => {
    throw new RegisterError('already', SECRET);
  });
  app.get('/test/bankid', async () => {
    throw BankIdError.fromAnswer(429, 'tooManyRequests', `<script>${SECRET}</script>`);
  });
  app.get('/test/plain', async () => {
    throw new Error(SECRET);
  });
  app.get('/test/app', async () => {
    throw new AppError('session_expired', SECRET);
  });
  await app.ready();
});
afterAll(() => app.close());

const en = { cookie: 'kw_lang=en' };
const json = { accept: 'application/json' };

describe('an error of the portal’s base thrown from a route', () => {
  it('is a page with its status and its text in Swedish, then English, and no detail', async () => {
    const sv = await app.inject('/test/parcel/lost');
    expect(sv.statusCode).toBe(410);
    expect(sv.headers['content-type']).toContain('text/html');
    expect(sv.body).toContain('<html lang="sv">');
    expect(sv.body).toContain('role="alert"');
    expect(sv.body).toContain('Sidan finns inte. Kontrollera adressen eller gå till startsidan.');
    expect(sv.body).not.toContain(SECRET);
    const english = await app.inject({ url: '/test/parcel/lost', headers: en });
    expect(english.statusCode).toBe(410);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('The page does not exist. Check the address or go to the start page.');
  });

  it('is JSON with its own code and the text when JSON is asked for', async () => {
    const sv = await app.inject({ url: '/test/parcel/lost', headers: json });
    expect(sv.statusCode).toBe(410);
    expect(sv.json()).toEqual({ error: { code: 'lost', message: 'Sidan finns inte. Kontrollera adressen eller gå till startsidan.' } });
    const english = await app.inject({ url: '/test/parcel/late', headers: { ...json, ...en } });
    expect(english.statusCode).toBe(503);
    expect(english.headers['retry-after']).toBe('5');
    expect(english.json()).toMatchObject({ error: { code: 'late', message: 'The service is temporarily unavailable. Try again in a while.' } });
    expect(english.json()).toHaveProperty('error.reference');
    expect(english.body).not.toContain(SECRET);
  });

  it('a feature’s error is shown with the feature’s text', async () => {
    const sv = await app.inject('/test/signing');
    expect(sv.statusCode).toBe(403);
    expect(sv.body).toContain('Du företräder inte längre organisationen som ärendet gäller');
    const english = await app.inject({ url: '/test/register', headers: { ...json, ...en } });
    expect(english.statusCode).toBe(409);
    expect(english.json()).toEqual({ error: { code: 'already', message: 'The person is already a user of the organisation.' } });
  });

  it('an errorCode BankID added later is `upstream`, told as RFA22, with nothing of BankID’s answer echoed', async () => {
    const res = await app.inject({ url: '/test/bankid', headers: json });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'upstream', message: 'Något gick fel. Försök igen.' } });
    expect(res.body).not.toContain('tooManyRequests');
    expect(res.body).not.toContain('script');
    const page = await app.inject({ url: '/test/bankid', headers: en });
    expect(page.body).toContain('Something went wrong. Please try again.');
    expect(page.body).not.toContain(SECRET);
  });

  it('AppError is one of them, as before: a 401 links to the login', async () => {
    expect(isPortalError(new AppError('forbidden'))).toBe(true);
    const res = await app.inject('/test/app');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Din inloggning har upphört. Logga in igen. Inget har ändrats.');
    expect(res.body).toContain('href="/login"');
  });

  it('any other error is a 500 with a reference and nothing internal', async () => {
    const res = await app.inject({ url: '/test/plain', headers: json });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: { code: 'internal', message: 'Ett tekniskt fel uppstod. Försök igen om en stund. Kontakta IT-supporten om felet kvarstår.' } });
    expect(res.json()).toHaveProperty('error.reference');
    expect(res.body).not.toContain(SECRET);
  });
});
