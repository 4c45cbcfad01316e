/** RFC 8621 4.1.2 parsed forms of header field values and 4.1.3 header:{name}[:as{form}][:all] lookups. */
import { parseAddresses, parseAddressList } from './address.js';
import { parseDate } from './date.js';
import { decodeEncodedWords } from './encoded-words.js';
import { tokenize, tokenText, unfold } from './header-tokens.js';
import type { EmailHeader, HeaderForm } from './types.js';

/** RFC 8621 4.1.2.2 Text form. */
export function asText(raw: string): string {
  return decodeEncodedWords(unfold(raw).replace(/^ +/, '')).normalize('NFC');
}

/**
 * RFC 8621 4.1.2.5 MessageIds form: each "<id>" without its brackets and CFWS. Words outside brackets are
 * skipped (RFC 5322 obs-in-reply-to allows phrases); a bare id with "@" and no brackets is accepted. Null if
 * no id is found.
 */
export function asMessageIds(raw: string): string[] | null {
  const tokens = tokenize(raw);
  const ids: string[] = [];
  let current: string | null = null;
  for (const t of tokens) {
    if (t.kind === 'special' && t.raw === '<') current = '';
    else if (t.kind === 'special' && t.raw === '>' && current !== null) {
      if (current) ids.push(current);
      current = null;
    } else if (current !== null && t.kind !== 'space' && t.kind !== 'comment') current += tokenText(t);
  }
  if (ids.length > 0) return ids;
  const bare = tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment').map(tokenText);
  const id = bare.join('');
  return tokens.some((t) => t.kind === 'special' && (t.raw === '<' || t.raw === '>')) ||
    !id.includes('@') ||
    bare.length === 0
    ? null
    : [id];
}

/**
 * RFC 8621 4.1.2.7 URLs form: the "<url>" items of an RFC 2369 list, without brackets, comments or the white
 * space RFC 2369 says to ignore inside a URL. Null if there is none.
 */
export function asUrls(raw: string): string[] | null {
  const s = unfold(raw);
  const urls: string[] = [];
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '<' && depth === 0) {
      const close = s.indexOf('>', i);
      if (close === -1) break;
      const url = s.slice(i + 1, close).replace(/\s+/g, '');
      if (url) urls.push(url);
      i = close;
    }
  }
  return urls.length > 0 ? urls : null;
}

export function parseHeaderValue(raw: string, form: HeaderForm): unknown {
  switch (form) {
    case 'Raw':
      return raw;
    case 'Text':
      return asText(raw);
    case 'Addresses':
      return parseAddresses(raw);
    case 'GroupedAddresses':
      return parseAddressList(raw);
    case 'MessageIds':
      return asMessageIds(raw);
    case 'Date':
      return parseDate(raw);
    case 'URLs':
      return asUrls(raw);
    default: {
      const never: never = form;
      throw new Error(`unknown header form ${String(never)}`);
    }
  }
}

/**
 * RFC 8621 4.1.3: the last field of that name (matched case-insensitively) in the given form, or null if there
 * is none; with `all`, every such field in message order, or [] if there is none.
 */
export function headerAs(headers: EmailHeader[], name: string, form: HeaderForm, all: boolean): unknown {
  const wanted = name.toLowerCase();
  const matches = headers.filter((h) => h.name.toLowerCase() === wanted);
  if (all) return matches.map((h) => parseHeaderValue(h.value, form));
  const last = matches.at(-1);
  return last ? parseHeaderValue(last.value, form) : null;
}
