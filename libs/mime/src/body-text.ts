/** Part content and RFC 8621 4.2 bodyValues (EmailBodyValue): transfer and charset decoding, truncation. */
import { decodeCharset } from './charset.js';
import { decodeTransfer, KNOWN_ENCODINGS } from './transfer-encoding.js';
import type { BodyPart, BodyValue } from './types.js';

/**
 * The part's content after transfer decoding (what its blobId refers to, RFC 8621 4.1.4). Unknown encodings are
 * identity. For a multipart (which has no blob) this is its raw body.
 */
export function partContent(raw: Buffer, part: BodyPart): Buffer {
  const body = raw.subarray(part.bodyOffset, part.bodyOffset + part.bodyLength);
  return part.partId === null ? body : decodeTransfer(body, part.encoding);
}

/** Length of the longest prefix of `text` whose UTF-8 encoding fits in maxBytes, never splitting a code point. */
function utf8PrefixLength(text: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/**
 * RFC 8621 4.2 maxBodyValueBytes: at most maxBytes octets of UTF-8, cut on a code point boundary and, for
 * text/html, not inside a tag.
 */
export function truncateValue(
  text: string,
  maxBytes: number,
  isHtml: boolean,
): { value: string; isTruncated: boolean } {
  if (maxBytes <= 0 || Buffer.byteLength(text, 'utf8') <= maxBytes)
    return { value: text, isTruncated: false };
  let cut = utf8PrefixLength(text, maxBytes);
  if (isHtml) {
    const open = text.lastIndexOf('<', cut - 1);
    if (open !== -1 && text.lastIndexOf('>', cut - 1) < open) cut = open;
  }
  return { value: text.slice(0, cut), isTruncated: true };
}

/**
 * RFC 8621 4.1.4 EmailBodyValue for a text part. CRLF becomes LF. isEncodingProblem is set for malformed
 * octets in the charset, an unknown charset, undeclared 8-bit text that is not UTF-8, or an unknown
 * Content-Transfer-Encoding. maxBytes 0 (the default) means no truncation.
 */
export function decodeBodyText(raw: Buffer, part: BodyPart, maxBytes = 0): BodyValue {
  const decoded = decodeCharset(partContent(raw, part), part.charset);
  const unknownEncoding = part.encoding !== null && !KNOWN_ENCODINGS.has(part.encoding);
  const text = decoded.text.replace(/\r\n/g, '\n');
  const { value, isTruncated } = truncateValue(text, maxBytes, part.type === 'text/html');
  return { value, isEncodingProblem: decoded.problem || unknownEncoding, isTruncated };
}
