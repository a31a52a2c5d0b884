import { describe, expect, it } from 'vitest';
import { formatCalendarDate, formatDate } from './dates.js';

describe('one display format per language', () => {
  it('writes a stored calendar date as the rest of the portal writes dates, whatever the zone', () => {
    expect(formatCalendarDate('sv', '2026-10-15')).toBe('15 oktober 2026');
    expect(formatCalendarDate('en', '2026-10-15')).toBe('15 October 2026');
    // The same words as an instant's date in the agency's zone.
    expect(formatCalendarDate('sv', '2027-08-01')).toBe(formatDate('sv', new Date('2027-08-01T10:00:00Z'), 'Europe/Stockholm'));
    // Not a date: shown as it was stored, never "Invalid Date".
    expect(formatCalendarDate('sv', '2026-13-45x')).toBe('2026-13-45x');
    expect(formatCalendarDate('en', '')).toBe('');
  });
});
