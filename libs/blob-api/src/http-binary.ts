/**
 * HTTP details of binary downloads (RFC 8620 section 6.2): single byte ranges (RFC 7233), the attachment file
 * name (RFC 6266 with RFC 8187 encoding for names that are not plain ASCII) and entity-tag matching (RFC 7232).
 * Pure functions, unit-tested on their own.
 */

export type RangeRequest =
  { kind: 'none' } | { kind: 'unsatisfiable' } | { kind: 'range'; start: number; end: number };

/**
 * One byte range of a representation of `size` octets. A header we do not serve as a range (another unit,
 * several ranges, or a syntactically invalid set, which RFC 7233 section 2.1 says to ignore) is 'none': the
 * whole representation is sent. A valid range that starts past the end is 'unsatisfiable' (416).
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? null : Number(m[2]);
  if (!Number.isSafeInteger(start) || (last !== null && (!Number.isSafeInteger(last) || last < start)))
    return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: last === null ? size - 1 : Math.min(last, size - 1) };
}

const PLAIN_NAME = /^[\x20-\x7e]*$/;
// RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
const encodeExtValue = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Content-Disposition carrying `name` as the file name, which the server MUST do when it sets the header
 * (RFC 8620 section 6.2). A name of printable ASCII without quote or backslash is sent as is; any other name also
 * goes in filename* (UTF-8, percent-encoded) with an ASCII approximation in filename for old clients.
 */
export function contentDisposition(name: string): string {
  if (PLAIN_NAME.test(name) && !/["\\]/.test(name)) return `attachment; filename="${name}"`;
  // Accents dropped (é → e), anything else outside printable ASCII one "_" per character.
  const fallback = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\]/gu, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

/** True when an If-None-Match (or If-Range) header lists `etag` or "*", comparing weakly (RFC 7232 section 2.3.2). */
export function etagListMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/**
 * A media type fit for the Content-Type header: the client's `type` parameter is echoed exactly
 * (rfc-clarifications Q14), so it may hold only visible ASCII and spaces, never a line break.
 */
export function isSafeHeaderValue(value: string): boolean {
  return value.length > 0 && value.length <= 255 && /^[\x21-\x7e][\x20-\x7e]*$/.test(value);
}
