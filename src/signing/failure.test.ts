/**
 * A failed signature, whatever the method: what is noted on the request, what is audited,
 * what a signing client is told, and what the sign page shows for it.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../audit/service.js';
import { messages } from '../platform/i18n/index.js';
import { shownRefusal, signatureFailed, type SignatureFailure } from './failure.js';
import { SigningError, type SignRequest } from './service.js';

const REQUEST: SignRequest = {
  id: 'r'.repeat(32),
  personnummer: '191212121212',
  purpose: 'case_submission',
  subject: 'case-1',
  document: '{}',
  digest: '0'.repeat(64),
  text: 'Ansökan',
  returnPath: '/cases/case-1',
  createdAt: 0,
  state: 'pending',
};

async function fail(failure: SignatureFailure, method = 'card') {
  const noted: string[] = [];
  const audited: AuditEventInput[] = [];
  const deps = {
    signing: { noteError: async (_request: SignRequest, code: string) => void noted.push(code) },
    audit: { record: async (event: AuditEventInput) => void audited.push(event) },
  };
  const outcome = await signatureFailed(deps, { request: REQUEST, method, ip: '192.0.2.1', failure });
  return { outcome, noted, audited };
}

describe('signatureFailed', () => {
  it('a proof the method refused: noted, audited with the reason and detail, 422', async () => {
    const { outcome, noted, audited } = await fail({ kind: 'refused', code: 'revoked', detail: 'revoked 2026-01-01' });
    expect(outcome).toEqual({ code: 'revoked', status: 422, page: `/sign/${REQUEST.id}` });
    expect(noted).toEqual(['revoked']);
    expect(audited).toEqual([
      {
        event: 'signature_failed',
        outcome: 'failure',
        actor: REQUEST.personnummer,
        subject: 'case_submission:case-1',
        ip: '192.0.2.1',
        details: { method: 'card', reason: 'revoked', detail: 'revoked 2026-01-01' },
      },
    ]);
  });

  it('the signer’s client declined: noted, not audited', async () => {
    const { outcome, noted, audited } = await fail({ kind: 'declined', code: 'cancelled' });
    expect(outcome).toMatchObject({ code: 'cancelled', status: 200 });
    expect(noted).toEqual(['cancelled']);
    expect(audited).toEqual([]);
  });

  it.each([
    ['digest_changed', 409, true],
    ['not_member', 403, true],
    ['already_completed', 409, false],
    ['not_found', 404, false],
  ] as const)('the purpose rejected it (%s): the status of the error, audited only when refused', async (code, status, isAudited) => {
    const { outcome, noted, audited } = await fail({ kind: 'rejected', error: new SigningError(code, 'x') }, 'bankid');
    expect(outcome).toMatchObject({ code, status });
    expect(noted).toEqual([code]);
    expect(audited.map((e) => e.details)).toEqual(isAudited ? [{ method: 'bankid', reason: code }] : []);
  });

  it('signed by someone else than asked: told as the wrong person, audited', async () => {
    const { outcome, noted, audited } = await fail({ kind: 'rejected', error: new SigningError('not_yours', 'x') }, 'bankid');
    expect(outcome).toMatchObject({ code: 'wrong_person', status: 403 });
    expect(noted).toEqual(['wrong_person']);
    expect(audited.map((e) => e.details)).toEqual([{ method: 'bankid', reason: 'wrong_person' }]);
  });
});

describe('shownRefusal', () => {
  it('a code with a text of its own shows it; signing again is offered unless it cannot help', () => {
    expect(shownRefusal('revoked')).toEqual({ message: 'sign.error.revoked', final: false });
    expect(shownRefusal('digest_changed')).toEqual({ message: 'sign.error.digest_changed', final: true });
    expect(shownRefusal('not_member')).toEqual({ message: 'sign.error.not_member', final: true });
    expect(messages('en')[shownRefusal('wrong_person')?.message ?? 'sign.error.other']).toBe("The signature was made with someone else's ID card. You must sign with your own.");
  });

  it('any other code shows the general text; no code shows nothing', () => {
    expect(shownRefusal('expired')).toEqual({ message: 'sign.error.other', final: false });
    expect(shownRefusal('toString')).toEqual({ message: 'sign.error.other', final: false });
    expect(shownRefusal(undefined)).toBeUndefined();
    expect(shownRefusal('')).toBeUndefined();
  });
});
