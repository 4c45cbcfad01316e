/**
 * What a raw message says about itself as an Email (RFC 8621 4.1.2 to 4.1.4), computed once when it is
 * imported (or parsed by Email/parse) with @jmap/mime, and carried in EmailCreated so that the read model never
 * needs the blob store again (only bodyValues are decoded from the blob, at the recorded offsets).
 */
import { TEXT_EXTRACT_MAX_BYTES, type MessageFacts, type StoredBodyPart } from '@jmap/email-contracts';
import {
  baseSubject,
  decodeBodyText,
  emailProperties,
  htmlToText,
  parseMessage,
  preview,
  type BodyPart,
  type ParsedMessage,
} from '@jmap/mime';

/** Names a part's blob: the caller's blob id scheme (libs/blobs partBlobId) for the message being read. */
export type PartBlobNamer = (partId: string) => string | null;

function storedPart(part: BodyPart, blobIdOf: PartBlobNamer): StoredBodyPart {
  const stored: StoredBodyPart = {
    partId: part.partId,
    blobId: part.partId === null ? null : blobIdOf(part.partId),
    size: part.size,
    headers: part.headers,
    name: part.name,
    type: part.type,
    charset: part.charset,
    disposition: part.disposition,
    cid: part.cid,
    language: part.language,
    location: part.location,
    bodyOffset: part.bodyOffset,
    bodyLength: part.bodyLength,
    encoding: part.encoding,
  };
  if (part.subParts) stored.subParts = part.subParts.map((p) => storedPart(p, blobIdOf));
  return stored;
}

/**
 * Octets of each part's encoded body that are decoded for the text extract: base64 grows text by 4/3 and
 * quoted-printable by up to 3, so 4 times the extract's bound always yields enough text, however large the part.
 */
const EXTRACT_INPUT_BYTES = 4 * TEXT_EXTRACT_MAX_BYTES;

/** Cuts text to at most maxBytes octets of UTF-8 without splitting a code point. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

/** The textBody's plain text (HTML converted), for the full-text index: at most TEXT_EXTRACT_MAX_BYTES. */
export function textExtract(raw: Buffer, parsed: Pick<ParsedMessage, 'textBody'>): string {
  let text = '';
  for (const part of parsed.textBody) {
    if (part.type !== 'text/plain' && part.type !== 'text/html') continue;
    const head: BodyPart = { ...part, bodyLength: Math.min(part.bodyLength, EXTRACT_INPUT_BYTES) };
    const decoded = decodeBodyText(raw, head).value;
    const piece = (part.type === 'text/html' ? htmlToText(decoded) : decoded).trim();
    if (piece) text = text ? `${text}\n${piece}` : piece;
    if (Buffer.byteLength(text, 'utf8') >= TEXT_EXTRACT_MAX_BYTES) break;
  }
  return cutUtf8(text, TEXT_EXTRACT_MAX_BYTES);
}

const partIds = (parts: BodyPart[]) => parts.map((p) => p.partId).filter((id): id is string => id !== null);

// U+0000 and unpaired surrogates: PostgreSQL text and jsonb refuse them, and no client wants them.
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether any string (key or value) in a JSON-like value holds U+0000 or a surrogate. */
function mayHoldUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return MAYBE_UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(mayHoldUnstorable);
  if (value !== null && typeof value === 'object') {
    for (const k in value)
      if (MAYBE_UNSTORABLE.test(k) || mayHoldUnstorable((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * The value with every unstorable code unit replaced by U+FFFD: the value itself when it has none (nearly every
 * message: no copy), else a copy.
 */
export function storable<T>(value: T): T {
  return mayHoldUnstorable(value) ? replaceUnstorable(value) : value;
}

function replaceUnstorable<T>(value: T): T {
  // The cheap test first: most strings have neither U+0000 nor any surrogate.
  if (typeof value === 'string')
    return (MAYBE_UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(replaceUnstorable) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [replaceUnstorable(k), replaceUnstorable(v)]),
    ) as T;
  }
  return value;
}

/**
 * The facts of a message. Strings are made storable (U+0000 and lone surrogates, which hostile octets can yield,
 * become U+FFFD): the facts go into the event log and the read model as they are.
 */
export function messageFacts(raw: Buffer, blobIdOf: PartBlobNamer): MessageFacts {
  const parsed = parseMessage(raw);
  const props = emailProperties(parsed);
  return storable({
    size: parsed.size,
    headers: parsed.headers,
    ...props,
    hasAttachment: parsed.hasAttachment,
    preview: preview(raw, parsed),
    bodyStructure: storedPart(parsed.bodyStructure, blobIdOf),
    textBody: partIds(parsed.textBody),
    htmlBody: partIds(parsed.htmlBody),
    attachments: partIds(parsed.attachments),
    baseSubject: baseSubject(props.subject ?? ''),
    textExtract: textExtract(raw, parsed),
  });
}

/** A message with no header field at all is not an RFC 5322 message (Email/import invalidEmail, /parse notParsable). */
export function isParsableMessage(facts: Pick<MessageFacts, 'headers'>): boolean {
  return facts.headers.length > 0;
}
