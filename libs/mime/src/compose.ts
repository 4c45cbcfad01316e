/**
 * The MIME writer (RFC 5322, RFC 2045-2049): a message tree with header values already in Raw form becomes
 * octets with CRLF line ends, lines of at most 998 octets, and a Content-Transfer-Encoding chosen per leaf:
 * 7bit when the octets allow it, quoted-printable for other text, base64 for everything else (so attachment
 * octets survive byte for byte). Multipart boundaries are derived from a hash of the encoded children, so the
 * same tree always gives the same octets, and are checked not to occur in them. Pure; header-value encoders
 * for the JMAP forms live in compose-headers.ts.
 */
import { createHash } from 'node:crypto';
import { encodeParam, foldHeader } from './compose-headers.js';
import type { EmailHeader } from './types.js';

export interface ComposePart {
  /** Lowercase media type without parameters ("text/plain", "multipart/mixed", "image/png"). */
  type: string;
  /** Text parts: the charset the content is in (written as a parameter); null for none. */
  charset?: string | null;
  /** Filename (Content-Disposition filename and Content-Type name), RFC 2231-encoded when needed. */
  name?: string | null;
  disposition?: string | null;
  cid?: string | null;
  language?: string[] | null;
  location?: string | null;
  /** Further header fields in Raw form (they replace the generated ones of the same name). */
  headers?: EmailHeader[];
  /** The decoded content of a leaf. */
  content?: Buffer;
  /**
   * Keep the content's octets exactly (an attachment given by blob): text line ends are not normalised, and
   * content that is not already 7bit is base64.
   */
  exact?: boolean;
  /** The children of a multipart. */
  subParts?: ComposePart[];
}

export interface ComposeInput {
  /** The message's header fields in Raw form (the value as written after the colon). */
  headers: EmailHeader[];
  body: ComposePart;
}

const CRLF = '\r\n';
const MAX_LINE = 998;

/** True when the octets are 7bit data (RFC 2045 2.7): no NUL, no 8-bit octet, CR only in CRLF, short lines. */
export function is7bit(data: Buffer): boolean {
  let line = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0 || c > 127) return false;
    if (c === 0x0d) {
      if (data[i + 1] !== 0x0a) return false;
      line = 0;
      i++;
      continue;
    }
    if (c === 0x0a) return false;
    if (++line > MAX_LINE) return false;
  }
  return true;
}

/** Text line ends as CRLF (a lone CR or LF becomes CRLF). */
export function toCrlf(text: Buffer): Buffer {
  const s = text.toString('latin1');
  return /\r(?!\n)|(?<!\r)\n/.test(s) ? Buffer.from(s.replace(/\r\n|\r|\n/g, CRLF), 'latin1') : text;
}

/** RFC 2045 6.7 quoted-printable with soft breaks at 76 columns; CRLF in the input stays a hard break. */
export function encodeQuotedPrintable(data: Buffer): string {
  const out: string[] = [];
  let line = '';
  const push = (token: string) => {
    if (line.length + token.length > 75) {
      out.push(`${line}=`);
      line = '';
    }
    line += token;
  };
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0x0d && data[i + 1] === 0x0a) {
      // White space at the end of a line is encoded, since transports may strip it.
      if (line.endsWith(' ') || line.endsWith('\t')) {
        const last = line[line.length - 1];
        line = line.slice(0, -1);
        push(`=${last.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      }
      out.push(line);
      line = '';
      i++;
      continue;
    }
    const printable = (c >= 33 && c <= 126 && c !== 61) || c === 32 || c === 9;
    push(printable ? String.fromCharCode(c) : `=${c.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  if (line.endsWith(' ') || line.endsWith('\t')) {
    const last = line[line.length - 1];
    line = line.slice(0, -1);
    push(`=${last.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  }
  out.push(line);
  return out.join(CRLF);
}

function encodeBase64(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** The transfer encoding and encoded body of a leaf. */
export function encodeLeaf(part: ComposePart): { encoding: string; body: string } {
  const isText = part.type.startsWith('text/') && !part.exact;
  const data = isText ? toCrlf(part.content ?? Buffer.alloc(0)) : (part.content ?? Buffer.alloc(0));
  if (is7bit(data)) return { encoding: '7bit', body: data.toString('latin1') };
  // RFC 2046 5.2.1: message/rfc822 may only be 7bit, 8bit or binary.
  if (part.type === 'message/rfc822' || part.type === 'message/global')
    return { encoding: part.type === 'message/global' ? '8bit' : 'binary', body: data.toString('latin1') };
  if (isText) return { encoding: 'quoted-printable', body: encodeQuotedPrintable(data) };
  return { encoding: 'base64', body: encodeBase64(data) };
}

function contentHeaders(part: ComposePart, encoding: string | null, boundary: string | null): string[] {
  const lines: string[] = [];
  let ct = part.type;
  if (part.charset) ct += `; ${encodeParam('charset', part.charset)}`;
  if (boundary) ct += `; boundary="${boundary}"`;
  if (part.name && !part.type.startsWith('multipart/')) ct += `; ${encodeParam('name', part.name)}`;
  lines.push(foldHeader('Content-Type', ` ${ct}`));
  if (encoding) lines.push(`Content-Transfer-Encoding: ${encoding}`);
  if (part.disposition || (part.name && !part.type.startsWith('multipart/'))) {
    let cd = part.disposition ?? 'attachment';
    if (part.name) cd += `; ${encodeParam('filename', part.name)}`;
    lines.push(foldHeader('Content-Disposition', ` ${cd}`));
  }
  if (part.cid) lines.push(foldHeader('Content-ID', ` <${part.cid}>`));
  if (part.language && part.language.length > 0)
    lines.push(foldHeader('Content-Language', ` ${part.language.join(', ')}`));
  if (part.location) lines.push(foldHeader('Content-Location', ` ${part.location}`));
  return lines;
}

/** A header field as a binary (latin1) string of its UTF-8 octets; a bare line break in a value is folded. */
const fieldLine = (h: EmailHeader) =>
  Buffer.from(`${h.name}:${h.value.replace(/\r?\n(?![ \t])/g, '\r\n ')}`, 'utf8').toString('latin1');

const extraHeaders = (headers: EmailHeader[] | undefined) => (headers ?? []).map(fieldLine);

/** Names given explicitly in `headers` replace the generated fields of the same name. */
function mergeHeaders(generated: string[], extra: EmailHeader[] | undefined): string[] {
  const given = new Set((extra ?? []).map((h) => h.name.toLowerCase()));
  // The transfer encoding is the writer's choice (RFC 8621 4.6 forbids giving it).
  given.delete('content-transfer-encoding');
  const kept = generated.filter((line) => !given.has(line.slice(0, line.indexOf(':')).toLowerCase()));
  return [
    ...kept,
    ...extraHeaders(extra?.filter((h) => h.name.toLowerCase() !== 'content-transfer-encoding')),
  ];
}

function boundaryFor(children: string[], depth: number): string {
  for (let n = 0; ; n++) {
    const hash = createHash('sha256');
    for (const c of children) hash.update(c);
    hash.update(`${depth}:${n}`);
    const boundary = `=_${hash.digest('hex').slice(0, 40)}`;
    if (!children.some((c) => c.includes(`--${boundary}`))) return boundary;
  }
}

/** A part as header lines (without the message's own fields) and its body text. */
function writePart(part: ComposePart, depth: number): { headers: string[]; body: string } {
  if (part.type.startsWith('multipart/')) {
    const children = (part.subParts ?? []).map((p) => {
      const w = writePart(p, depth + 1);
      return `${w.headers.join(CRLF)}${CRLF}${CRLF}${w.body}`;
    });
    const boundary = boundaryFor(children, depth);
    const body = `${children.map((c) => `--${boundary}${CRLF}${c}${CRLF}`).join('')}--${boundary}--${CRLF}`;
    return { headers: mergeHeaders(contentHeaders(part, null, boundary), part.headers), body };
  }
  const { encoding, body } = encodeLeaf(part);
  return { headers: mergeHeaders(contentHeaders(part, encoding, null), part.headers), body };
}

/**
 * The message's octets. The message's own header fields come first, then MIME-Version (unless given) and the
 * body part's content fields (unless the message's fields name them).
 */
export function composeMessage(input: ComposeInput): Buffer {
  const top = input.headers.map(fieldLine);
  const names = new Set(input.headers.map((h) => h.name.toLowerCase()));
  const { headers, body } = writePart(input.body, 0);
  const partFields = headers.filter((line) => !names.has(line.slice(0, line.indexOf(':')).toLowerCase()));
  const mime = names.has('mime-version') ? [] : ['MIME-Version: 1.0'];
  const head = [...top, ...mime, ...partFields].join(CRLF);
  return Buffer.from(`${head}${CRLF}${CRLF}${body}`, 'latin1');
}
