/**
 * Charset decoding for body text (RFC 8621 4.1.4 bodyValues) and encoded words (RFC 2047). Every decode says
 * whether it met a problem: malformed octets, an unknown charset, or undeclared 8-bit text.
 */
import iconv from 'iconv-lite';
import { decodeIso2022Jp } from './iso-2022-jp.js';

export interface Decoded {
  text: string;
  problem: boolean;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const utf16Strict = new TextDecoder('utf-16le', { fatal: true });
const utf16Lenient = new TextDecoder('utf-16le');

/**
 * Refused even though iconv-lite knows them: UTF-7 smuggles markup past filters ("+ADw-script+AD4-" is
 * "<script>"), and the others are transfer encodings or octet dumps rather than character sets.
 */
const REFUSED = /^(?:utf-?7(?:-imap)?|unicode-1-1-utf-7|csunicode11utf7|base64|hex|binary)$/;
const ASCII = /^(?:us-?ascii|ascii|ansi_x3\.4-1968|iso646-us|646|us)$/;

const asBuffer = (b: Uint8Array) =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

export function normalizeCharsetName(charset: string | null | undefined): string {
  return (charset ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { text: utf8Strict.decode(bytes), problem: false };
  } catch {
    return { text: utf8Lenient.decode(bytes), problem: true };
  }
}

/**
 * No charset, us-ascii, or an unknown one: ASCII is ASCII; otherwise valid UTF-8 is taken as UTF-8 (RFC 6532
 * practice; RFC 8621 4.1.4 allows heuristics), and anything else is read as windows-1252, which maps almost
 * every octet, and flagged.
 */
export function decodeUndeclared(bytes: Uint8Array): Decoded {
  if (isAscii(bytes)) return { text: asBuffer(bytes).toString('latin1'), problem: false };
  const utf8 = decodeUtf8(bytes);
  if (!utf8.problem) return utf8;
  return { text: iconv.decode(asBuffer(bytes), 'windows-1252'), problem: true };
}

function decodeUtf16(bytes: Uint8Array, name: string): Decoded {
  let bigEndian = name !== 'utf-16le';
  let start = 0;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) [bigEndian, start] = [true, 2];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [bigEndian, start] = [false, 2];
  // RFC 2781 4.3: UTF-16 without a byte order mark is big-endian.
  const body = Buffer.from(bytes.subarray(start));
  if (bigEndian) swapPairs(body);
  try {
    return { text: utf16Strict.decode(body), problem: body.length % 2 !== 0 };
  } catch {
    return { text: utf16Lenient.decode(body), problem: true };
  }
}

function swapPairs(buf: Buffer): void {
  for (let i = 0; i + 1 < buf.length; i += 2) {
    const t = buf[i];
    buf[i] = buf[i + 1];
    buf[i + 1] = t;
  }
}

/** The iconv-lite name for a charset, or null if it is unknown or refused. */
function iconvName(name: string): string | null {
  if (REFUSED.test(name)) return null;
  for (const candidate of [name, name.replace(/^x-/, ''), name.replace(/^win-?(\d+)$/, 'windows-$1')]) {
    if (iconv.encodingExists(candidate)) return REFUSED.test(candidate) ? null : candidate;
  }
  return null;
}

/** True if decodeCharset knows this charset (RFC 2047 only decodes encoded words in a known charset). */
export function isKnownCharset(charset: string): boolean {
  const name = normalizeCharsetName(charset);
  if (ASCII.test(name) || /^utf-?8$/.test(name) || /^utf-?16(?:le|be)?$/.test(name)) return true;
  if (/^iso-?2022-?jp(?:-1)?$/.test(name) || name === 'csiso2022jp') return true;
  return iconvName(name) !== null;
}

/** Decodes octets in a declared charset (null or empty: undeclared). Never throws. */
export function decodeCharset(bytes: Uint8Array, charset: string | null): Decoded {
  const name = normalizeCharsetName(charset);
  if (name === '' || ASCII.test(name)) return decodeUndeclared(bytes);
  if (/^utf-?8$/.test(name)) return decodeUtf8(bytes);
  if (/^utf-?16(?:le|be)?$/.test(name)) return decodeUtf16(bytes, name.replace('utf16', 'utf-16'));
  if (/^iso-?2022-?jp(?:-1)?$/.test(name) || name === 'csiso2022jp') return decodeIso2022Jp(bytes);
  const codec = iconvName(name);
  if (codec === null) return { text: decodeUndeclared(bytes).text, problem: true };
  const text = iconv.decode(asBuffer(bytes), codec);
  return { text, problem: text.includes('\uFFFD') };
}
