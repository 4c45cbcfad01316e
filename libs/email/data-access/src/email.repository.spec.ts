/**
 * The listing read of Email/get turns PostgreSQL's text of a UTC timestamp into a UTCDate (RFC 8620 1.4) itself;
 * it must agree with toUtcDate, which the other Email/get path uses.
 */
import { describe, expect, it } from 'vitest';
import { toUtcDate } from '@jmap/email-domain';
import { utcDateOfTimestamp } from './email.repository.js';

describe('utcDateOfTimestamp', () => {
  it('given PostgreSQL ISO timestamps with 0 to 6 fraction digits, then the UTCDate toUtcDate writes for the instant', () => {
    const cases: Array<[string, string]> = [
      ['2025-03-01 10:00:00', '2025-03-01T10:00:00Z'],
      ['2025-03-01 10:00:00.25', '2025-03-01T10:00:00.250Z'],
      ['2025-03-01 10:00:00.5', '2025-03-01T10:00:00.500Z'],
      ['2025-03-01 10:00:00.123456', '2025-03-01T10:00:00.123Z'],
      ['2025-03-01 10:00:00.999999', '2025-03-01T10:00:00.999Z'],
      ['2025-03-01 10:00:00.000999', '2025-03-01T10:00:00Z'],
      ['0001-01-01 00:00:00', '0001-01-01T00:00:00Z'],
      ['9999-12-31 23:59:59.999', '9999-12-31T23:59:59.999Z'],
    ];
    for (const [text, utcDate] of cases) {
      expect(utcDateOfTimestamp(text), text).toBe(utcDate);
      // A JavaScript Date keeps whole milliseconds: the same instant through toUtcDate gives the same text.
      expect(toUtcDate(`${text.replace(' ', 'T').slice(0, 23)}Z`), text).toBe(utcDate);
    }
  });

  it('given a year past 9999 or before year 1, then null, as toUtcDate answers', () => {
    expect(utcDateOfTimestamp('10000-01-01 00:00:00')).toBeNull();
    expect(utcDateOfTimestamp('0001-12-31 23:59:59 BC')).toBeNull();
  });
});
