/**
 * BankID's recommended user messages (RFA) and when to show which, per the reference §6
 * (the mapping of ActiveLogin, BankID's sample code and Sweden Connect agree). Unknown
 * hintCodes and errorCodes are expected: pending → RFA21, failed or error → RFA22.
 */
export const RFA_IDS = [
  'RFA1',
  'RFA2',
  'RFA3',
  'RFA4',
  'RFA5',
  'RFA6',
  'RFA8',
  'RFA9',
  'RFA13',
  'RFA15A',
  'RFA15B',
  'RFA16',
  'RFA17A',
  'RFA17B',
  'RFA19',
  'RFA20',
  'RFA21',
  'RFA22',
  'RFA23',
] as const;
export type Rfa = (typeof RFA_IDS)[number];

export type Flow = 'qr' | 'autostart';

export function rfaForPending(hintCode: string | undefined, flow: Flow, mobile: boolean): Rfa {
  switch (hintCode) {
    case 'outstandingTransaction':
      return flow === 'qr' ? 'RFA1' : 'RFA13';
    case 'noClient':
      return 'RFA1';
    case 'started':
      return mobile ? 'RFA15B' : 'RFA15A';
    case 'userSign':
      return 'RFA9';
    case 'userMrtd':
      return 'RFA23';
    default:
      return 'RFA21';
  }
}

export function rfaForFailed(hintCode: string | undefined, flow: Flow): Rfa {
  switch (hintCode) {
    case 'cancelled':
      return 'RFA3';
    case 'userCancel':
      return 'RFA6';
    case 'expiredTransaction':
      return 'RFA8';
    case 'certificateErr':
      return 'RFA16';
    case 'startFailed':
      return flow === 'qr' ? 'RFA17B' : 'RFA17A';
    default:
      return 'RFA22';
  }
}

export function rfaForError(errorCode: string): Rfa {
  switch (errorCode) {
    case 'alreadyInProgress':
      return 'RFA4';
    case 'requestTimeout':
    case 'maintenance':
    case 'internalError':
    case 'unavailable':
      return 'RFA5';
    default:
      return 'RFA22';
  }
}
