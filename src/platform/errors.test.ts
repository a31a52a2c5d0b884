/** The portal's error base: a class's own closed codes, each with its status and text; the detail stays in the log text. */
import { describe, expect, it } from 'vitest';
import { isPortalError, PortalError, type ErrorMeanings } from './errors.js';
import { messages } from './i18n/index.js';

type ParcelCode = 'lost' | 'late';

const MEANINGS = {
  lost: { status: 410, message: 'error.not_found' },
  late: { status: 503, message: 'error.unavailable' },
} satisfies ErrorMeanings<ParcelCode>;

class ParcelError extends PortalError<ParcelCode> {
  constructor(code: ParcelCode, detail?: string, options?: { cause?: unknown }) {
    super(code, MEANINGS[code], detail, options);
    this.name = 'ParcelError';
  }
}

describe('PortalError', () => {
  it('carries its code, the status and text the code means, and a detail for the log', () => {
    const err = new ParcelError('lost', 'parcel 42 not in the depot');
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'ParcelError', code: 'lost', status: 410, messageKey: 'error.not_found', detail: 'parcel 42 not in the depot' });
    expect(err.message).toBe('lost: parcel 42 not in the depot');
    expect(messages('sv')[err.messageKey]).toBe('Sidan finns inte. Kontrollera adressen eller gå till startsidan.');
    expect(messages('en')[err.messageKey]).toBe('The page does not exist. Check the address or go to the start page.');
  });

  it('without a detail the log text is the code; a cause is kept', () => {
    const cause = new Error('socket closed');
    const err = new ParcelError('late', undefined, { cause });
    expect(err.message).toBe('late');
    expect(err.detail).toBeUndefined();
    expect(err.cause).toBe(cause);
    expect(err.status).toBe(503);
  });

  it('tells the portal’s errors from any other', () => {
    expect(isPortalError(new ParcelError('lost'))).toBe(true);
    expect(isPortalError(new Error('lost'))).toBe(false);
    expect(isPortalError({ code: 'lost', status: 410, messageKey: 'error.not_found' })).toBe(false);
  });
});
