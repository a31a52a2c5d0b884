import { describe, expect, it } from 'vitest';
import { messages } from '../platform/i18n/index.js';
import { RFA_IDS, rfaForError, rfaForFailed, rfaForPending } from './rfa.js';

describe('RFA messages', () => {
  it('map hintCodes as the reference says, per flow and device', () => {
    expect(rfaForPending('outstandingTransaction', 'qr', false)).toBe('RFA1');
    expect(rfaForPending('outstandingTransaction', 'autostart', false)).toBe('RFA13');
    expect(rfaForPending('started', 'autostart', false)).toBe('RFA15A');
    expect(rfaForPending('started', 'autostart', true)).toBe('RFA15B');
    expect(rfaForPending('userSign', 'qr', true)).toBe('RFA9');
    expect(rfaForFailed('startFailed', 'qr')).toBe('RFA17B');
    expect(rfaForFailed('startFailed', 'autostart')).toBe('RFA17A');
    expect(rfaForError('alreadyInProgress')).toBe('RFA4');
    expect(rfaForError('maintenance')).toBe('RFA5');
  });

  it('tolerate codes BankID adds later: unknown pending → RFA21, unknown failed or error → RFA22', () => {
    expect(rfaForPending('userFace', 'qr', false)).toBe('RFA21');
    expect(rfaForPending(undefined, 'qr', false)).toBe('RFA21');
    expect(rfaForFailed('somethingNew', 'qr')).toBe('RFA22');
    expect(rfaForError('tooManyRequests')).toBe('RFA22');
  });

  it('have a Swedish and an English text for every RFA', () => {
    for (const id of RFA_IDS) {
      expect(messages('sv')[`bankid.${id}`]).toBeTruthy();
      expect(messages('en')[`bankid.${id}`]).toBeTruthy();
    }
  });
});
