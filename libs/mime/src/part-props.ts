/** RFC 8621 4.1.4 EmailBodyPart properties derived from a part's own header fields. */
import { decodeEncodedWordsLenient } from './encoded-words.js';
import { tokenize, tokenText, unfold, withoutCfws } from './header-tokens.js';
import { parseStructured } from './mime-params.js';
import type { EmailHeader } from './types.js';

export interface PartProps {
  type: string;
  charset: string | null;
  name: string | null;
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  boundary: string | null;
  encoding: string | null;
}

/** The first field of a name. MIME readers disagree on duplicates; the first is what most of them use. */
function first(headers: EmailHeader[], name: string): EmailHeader | undefined {
  return headers.find((h) => h.name.toLowerCase() === name);
}

const MEDIA_TYPE = /^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/;

function decodedParam(value: string | undefined): string | null {
  if (value === undefined) return null;
  const text = decodeEncodedWordsLenient(value).normalize('NFC');
  return text === '' ? null : text;
}

function contentType(
  headers: EmailHeader[],
  defaultType: string,
): Pick<PartProps, 'type' | 'charset' | 'boundary'> & {
  nameParam: string | undefined;
} {
  const field = first(headers, 'content-type');
  const parsed = field ? parseStructured(field.value) : null;
  // RFC 8621 4.1.4: no Content-Type means the implicit type and, for the implicit text/plain, its implicit
  // charset us-ascii. The implicit message/rfc822 of a multipart/digest has no charset.
  if (!parsed) {
    const charset = defaultType.startsWith('text/') ? 'us-ascii' : null;
    return { type: defaultType, charset, boundary: null, nameParam: undefined };
  }
  // RFC 2045 5.2: a syntactically invalid Content-Type means text/plain; charset=us-ascii.
  if (!MEDIA_TYPE.test(parsed.value))
    return { type: 'text/plain', charset: 'us-ascii', boundary: null, nameParam: undefined };
  const declared = parsed.params.get('charset')?.trim();
  const charset = declared ? declared : parsed.value.startsWith('text/') ? 'us-ascii' : null;
  const boundary = parsed.params.get('boundary') || null;
  return { type: parsed.value, charset, boundary, nameParam: parsed.params.get('name') };
}

/** CFWS removed, surrounding angle brackets removed (RFC 8621 4.1.4 cid). */
function contentId(headers: EmailHeader[]): string | null {
  const field = first(headers, 'content-id');
  if (!field) return null;
  const text = withoutCfws(tokenize(field.value)).map(tokenText).join('');
  const inner = /^<(.*)>$/s.exec(text);
  return inner ? inner[1] : text;
}

function language(headers: EmailHeader[]): string[] | null {
  const field = first(headers, 'content-language');
  if (!field) return null;
  return withoutCfws(tokenize(field.value))
    .map(tokenText)
    .join('')
    .split(',')
    .filter((tag) => tag !== '');
}

function location(headers: EmailHeader[]): string | null {
  const field = first(headers, 'content-location');
  if (!field) return null;
  // RFC 2557 4.4.2: a folded URI is unfolded and its white space removed.
  const text = unfold(field.value)
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .replace(/\s+/g, '');
  return text;
}

function encoding(headers: EmailHeader[]): string | null {
  const field = first(headers, 'content-transfer-encoding');
  if (!field) return null;
  return withoutCfws(tokenize(field.value)).map(tokenText).join('').toLowerCase();
}

export function partProps(headers: EmailHeader[], defaultType: string): PartProps {
  const ct = contentType(headers, defaultType);
  const dispositionField = first(headers, 'content-disposition');
  const disposition = dispositionField ? parseStructured(dispositionField.value) : null;
  const name = decodedParam(disposition?.params.get('filename')) ?? decodedParam(ct.nameParam);
  return {
    type: ct.type,
    charset: ct.charset,
    boundary: ct.boundary,
    name,
    disposition: disposition?.value || null,
    cid: contentId(headers),
    language: language(headers),
    location: location(headers),
    encoding: encoding(headers),
  };
}
