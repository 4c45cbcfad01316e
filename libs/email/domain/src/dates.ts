/**
 * Dates of an import: RFC 8620 1.4 UTCDate in its canonical form, and RFC 8621 4.8's default receivedAt, the
 * date of the most recent Received header field.
 */
import { parseHeaderValue } from '@jmap/mime';
import type { HeaderField } from '@jmap/email-contracts';

/**
 * "2024-05-01T10:00:00Z": UTC, fractional seconds only when not zero (RFC 8620 1.4). Null for an invalid time or
 * one outside the years 1 to 9999, which PostgreSQL's timestamptz and a four-digit UTCDate cannot both hold.
 */
export function toUtcDate(value: string | Date): string | null {
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  if (year < 1 || year > 9999) return null;
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
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
