/**
 * Dates of an import: RFC 8620 1.4 UTCDate in its canonical form, and RFC 8621 4.8's default receivedAt, the
 * date of the most recent Received header field.
 */
import { parseHeaderValue } from '@jmap/mime';
import type { HeaderField } from '@jmap/email-contracts';

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in milliseconds since the epoch. */
const FIRST_UTC_DATE_MS = new Date(0).setUTCFullYear(1, 0, 1);
const LAST_UTC_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * "2024-05-01T10:00:00Z": UTC, fractional seconds only when not zero (RFC 8620 1.4). Null for an invalid time or
 * one outside the years 1 to 9999, which PostgreSQL's timestamptz and a four-digit UTCDate cannot both hold. A
 * number is milliseconds since the epoch.
 */
export function toUtcDate(value: string | Date | number): string | null {
  const ms =
    typeof value === 'string'
      ? Date.parse(value)
      : typeof value === 'number'
        ? Math.trunc(value)
        : value.getTime();
  if (!(ms >= FIRST_UTC_DATE_MS && ms <= LAST_UTC_DATE_MS)) return null;
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

/** Received header fields inspected, newest first: a hop count far above any real path bounds the work. */
const MAX_RECEIVED_FIELDS = 100;

/**
 * The date of the most recent Received field (RFC 5321 4.4: each hop prepends one, so the first in message
 * order is the newest) as a UTCDate; the date is what follows the field's last ";". Fields whose date does not
 * parse are skipped. Null when none has a date.
 */
export function receivedHeaderDate(headers: readonly HeaderField[]): string | null {
  let seen = 0;
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'received') continue;
    if (++seen > MAX_RECEIVED_FIELDS) break;
    const semicolon = h.value.lastIndexOf(';');
    if (semicolon === -1) continue;
    const date = parseHeaderValue(h.value.slice(semicolon + 1), 'Date') as string | null;
    const utc = date ? toUtcDate(date) : null;
    if (utc) return utc;
  }
  return null;
}
