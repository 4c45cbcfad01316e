/**
 * RFC 2047 encoded words, decoded as RFC 8621 4.1.2.2 requires: only syntactically correct words in a known
 * charset, only where RFC 2047 section 5 allows them (a whole white-space-delimited word), adjacent encoded
 * words joined without the white space between them, and control characters they encode dropped.
 */
import { decodeCharset, isKnownCharset, normalizeCharsetName } from './charset.js';

export interface Word {
  text: string;
  /** White space that preceded the word in the source ("" if none). */
  space: string;
  /** False for words that can never be encoded words (quoted strings, specials). */
  mayBeEncoded: boolean;
}

interface EncodedWord {
  charset: string;
  bytes: Buffer;
}

// charset [*language] ? B|Q ? encoded-text ?=  (RFC 2047 section 2, RFC 2231 section 5). encoded-text is
// printable ASCII except "?" and space; its length limit of 75 is not enforced, as many mailers exceed it.
const ENCODED_WORD =
  /^=\?([^?\s*()<>@,;:"/[\]=]+)(?:\*[A-Za-z0-9-]*)?\?([bBqQ])\?([\x21-\x3e\x40-\x7e]+)\?=$/;
const ENCODED_WORD_ANYWHERE =
  /=\?[^?\s*()<>@,;:"/[\]=]+(?:\*[A-Za-z0-9-]*)?\?[bBqQ]\?[\x21-\x3e\x40-\x7e]+\?=/g;
const CONTROLS = /\p{Cc}/gu;

function decodeB(text: string): Buffer | null {
  const body = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1) return null;
  return Buffer.from(body, 'base64');
}

function decodeQ(text: string): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '_') out.push(0x20);
    else if (c !== '=') out.push(c.charCodeAt(0));
    else if (/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else return null;
  }
  return Buffer.from(out);
}

export function parseEncodedWord(text: string): EncodedWord | null {
  const m = ENCODED_WORD.exec(text);
  if (!m || !isKnownCharset(m[1])) return null;
  const bytes = m[2] === 'B' || m[2] === 'b' ? decodeB(m[3]) : decodeQ(m[3]);
  return bytes ? { charset: normalizeCharsetName(m[1]), bytes } : null;
}

function decodeRun(run: EncodedWord[]): string {
  // Words of one charset are decoded together, so a character split across two words survives.
  const text = decodeCharset(Buffer.concat(run.map((w) => w.bytes)), run[0].charset).text;
  return text.replace(CONTROLS, '');
}

/** Joins words back into text, decoding encoded words; white space between two encoded words is dropped. */
export function joinWords(words: Word[]): string {
  let out = '';
  let run: EncodedWord[] = [];
  const flush = () => {
    if (run.length) out += decodeRun(run);
    run = [];
  };
  for (const word of words) {
    const encoded = word.mayBeEncoded ? parseEncodedWord(word.text) : null;
    if (!encoded) {
      flush();
      out += word.space + word.text;
      continue;
    }
    const previous = run.at(-1);
    if (!previous) out += word.space;
    else if (previous.charset !== encoded.charset) flush();
    run.push(encoded);
  }
  flush();
  return out;
}

/** Splits unstructured text into white-space-delimited words (RFC 2047 section 5 (1)). */
export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  const re = /([ \t\r\n]*)([^ \t\r\n]+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    words.push({ space: m[1], text: m[2], mayBeEncoded: true });
    end = re.lastIndex;
  }
  if (end < text.length) words.push({ space: text.slice(end), text: '', mayBeEncoded: false });
  return words;
}

/** Decodes encoded words in unstructured text following RFC 2047's placement rules. */
export function decodeEncodedWords(text: string): string {
  return text.includes('=?') ? joinWords(splitWords(text)) : text;
}

/**
 * Lenient decoding for MIME parameter values (the "name" parameter, RFC 8621 4.1.4): mailers put encoded words
 * inside quoted strings and run them together, which RFC 2047 forbids but every mail reader accepts.
 */
export function decodeEncodedWordsLenient(text: string): string {
  if (!text.includes('=?')) return text;
  const words: Word[] = [];
  let last = 0;
  for (const m of text.matchAll(ENCODED_WORD_ANYWHERE)) {
    const before = text.slice(last, m.index);
    const space = /^[ \t]*$/.test(before) ? before : '';
    if (!space && before) words.push({ space: '', text: before, mayBeEncoded: false });
    words.push({ space, text: m[0], mayBeEncoded: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) words.push({ space: '', text: text.slice(last), mayBeEncoded: false });
  return joinWords(words);
}
