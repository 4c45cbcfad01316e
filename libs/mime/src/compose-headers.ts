/**
 * Header values written from their JMAP forms (RFC 8621 4.1.2) into Raw form (the text after the colon,
 * starting with a space): RFC 2047 encoded words for non-ASCII text and display names, RFC 2231 for non-ASCII
 * or long MIME parameters, and folding at white space so that no line passes 78 characters where a space
 * allows it (never 998). Every output is ASCII except a Raw value a client gave as is.
 */
import type { EmailAddress, EmailAddressGroup } from './types.js';

const CRLF = '\r\n';
const FOLD_AT = 78;
/** Octets of UTF-8 per encoded word: 45 octets → 60 base64 characters, a word of 72 with "=?UTF-8?B?...?=". */
const WORD_OCTETS = 45;

const isAsciiPrintable = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** Folds "Name: value" at white space so that lines stay within 78 characters where possible. */
export function foldHeader(name: string, value: string): string {
  const line = `${name}:${value}`;
  if (line.length <= FOLD_AT) return line;
  const out: string[] = [];
  let current = '';
  // Split before each run of white space: the white space starts the continuation line (RFC 5322 2.2.3).
  for (const piece of line.split(/(?=[ \t])/)) {
    if (current.length > 0 && current.length + piece.length > FOLD_AT && current.trim().length > 0) {
      out.push(current);
      current = piece;
    } else current += piece;
  }
  out.push(current);
  return out.join(CRLF);
}

/** UTF-8 chunks of at most WORD_OCTETS octets, never splitting a character. */
function utf8Chunks(text: string): Buffer[] {
  const chunks: Buffer[] = [];
  let current: string[] = [];
  let size = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (size + n > WORD_OCTETS && current.length > 0) {
      chunks.push(Buffer.from(current.join('')));
      current = [];
      size = 0;
    }
    current.push(ch);
    size += n;
  }
  if (current.length > 0) chunks.push(Buffer.from(current.join('')));
  return chunks;
}

/** RFC 2047 B-encoded words for the text, separated by spaces (which a decoder drops between words). */
export function encodedWords(text: string): string {
  return utf8Chunks(text)
    .map((c) => `=?UTF-8?B?${c.toString('base64')}?=`)
    .join(' ');
}

/** True when a word of ASCII text could be read as an encoded word and must itself be encoded. */
const looksEncoded = (s: string) => /=\?[^?]*\?[bBqQ]\?/.test(s);

/** Unstructured text (Subject, Comments, the Text form): as is when it is plain ASCII, else encoded words. */
export function textValue(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  if (isAsciiPrintable(flat) && !looksEncoded(flat)) return ` ${flat}`;
  return ` ${encodedWords(flat)}`;
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** A display name: atoms as is, other ASCII as a quoted string, anything else as encoded words. */
export function phraseValue(name: string): string {
  const flat = name.replace(/\r?\n/g, ' ');
  if (ATOM_PHRASE.test(flat) && !looksEncoded(flat) && flat.trim() === flat) return flat;
  if (isAsciiPrintable(flat) && !looksEncoded(flat)) return `"${flat.replace(/(["\\])/g, '\\$1')}"`;
  return encodedWords(flat);
}

function mailbox(a: EmailAddress): string {
  return a.name ? `${phraseValue(a.name)} <${a.email}>` : a.email;
}

/** RFC 8621 4.1.2.3 Addresses form → an address-list. */
export function addressesValue(list: readonly EmailAddress[]): string {
  return ` ${list.map(mailbox).join(', ')}`;
}

/** RFC 8621 4.1.2.4 GroupedAddresses form: a group with a null name is a run of plain addresses. */
export function groupedAddressesValue(groups: readonly EmailAddressGroup[]): string {
  const parts = groups.map((g) =>
    g.name === null
      ? g.addresses.map(mailbox).join(', ')
      : `${phraseValue(g.name)}: ${g.addresses.map(mailbox).join(', ')};`,
  );
  return ` ${parts.filter((p) => p.length > 0).join(', ')}`;
}

/** RFC 8621 4.1.2.5 MessageIds form. */
export function messageIdsValue(ids: readonly string[]): string {
  return ` ${ids.map((id) => `<${id}>`).join(' ')}`;
}

/** RFC 8621 4.1.2.7 URLs form. */
export function urlsValue(urls: readonly string[]): string {
  return ` ${urls.map((u) => `<${u}>`).join(', ')}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * RFC 8621 4.1.2.6 Date form (an RFC 3339 date-time) → RFC 5322 3.3 date-time, keeping the given offset.
 * Null when the value is not an RFC 3339 date-time.
 */
export function dateValue(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(date);
  if (!m) return null;
  const offset = m[7].toUpperCase() === 'Z' ? '+0000' : m[7].replace(':', '');
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(utc)) return null;
  // The wall-clock time is written as given, with its offset; the weekday is that of the given date.
  const local = new Date(utc);
  if (local.getUTCDate() !== +m[3] || local.getUTCMonth() !== +m[2] - 1) return null;
  return ` ${DAYS[local.getUTCDay()]}, ${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]} ${m[4]}:${m[5]}:${m[6]} ${offset}`;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A MIME parameter (RFC 2045 5.1): a token as is, other short ASCII as a quoted string, non-ASCII or long
 * values in RFC 2231 form (charset UTF-8, split into numbered sections of at most 60 characters).
 */
export function encodeParam(name: string, value: string): string {
  if (TOKEN.test(value) && value.length <= 60) return `${name}=${value}`;
  if (isAsciiPrintable(value) && value.length <= 60) return `${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  const encoded = [...Buffer.from(value, 'utf8')]
    .map((b) =>
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      '-._~'.includes(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  const full = `UTF-8''${encoded}`;
  if (full.length <= 60) return `${name}*=${full}`;
  const sections: string[] = [];
  // Sections break between characters, never inside a %XX triplet.
  let rest = full;
  while (rest.length > 0) {
    let cut = Math.min(60, rest.length);
    if (rest[cut - 1] === '%') cut -= 1;
    else if (rest[cut - 2] === '%') cut -= 2;
    sections.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return sections.map((s, i) => `${name}*${i}*=${s}`).join('; ');
}
