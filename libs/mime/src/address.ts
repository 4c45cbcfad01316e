/**
 * RFC 8621 4.1.2.3 Addresses and 4.1.2.4 GroupedAddresses: an RFC 5322 section 3.4 address-list, parsed best
 * effort so that invalid messages and half-written drafts still give something useful.
 */
import { decodeEncodedWords, joinWords, type Word } from './encoded-words.js';
import { tokenize, tokenText, withoutCfws, type Token } from './header-tokens.js';
import type { EmailAddress, EmailAddressGroup } from './types.js';

const isSpecial = (t: Token, ch: string) => t.kind === 'special' && t.raw === ch;
const isGap = (t: Token) => t.kind === 'space' || t.kind === 'comment';

/**
 * A display-name: quoted strings lose their quotes and quoted-pairs, atoms that are whole encoded words are
 * decoded (never inside quoted strings: RFC 2047 section 5 (3)), comments are dropped, and the result is
 * trimmed. Null if empty.
 */
export function phrase(tokens: Token[]): string | null {
  const words: Word[] = [];
  let space = '';
  for (const t of tokens) {
    if (isGap(t)) space = ' ';
    else {
      const text = t.kind === 'quoted' ? t.text : tokenText(t);
      words.push({ text, space, mayBeEncoded: t.kind === 'atom' });
      space = '';
    }
  }
  const text = joinWords(words)
    .replace(/[\r\n]/g, '')
    .trim();
  return text ? text.normalize('NFC') : null;
}

/** RFC 8621 4.1.2.3: with no display-name, a comment following the addr-spec gives the name. */
function commentName(tokens: Token[]): string | null {
  for (const t of tokens) {
    if (t.kind !== 'comment') continue;
    const text = decodeEncodedWords(t.text).trim();
    if (text) return text.normalize('NFC');
  }
  return null;
}

const specText = (tokens: Token[]) => withoutCfws(tokens).map(tokenText).join('');

function angleMailbox(segment: Token[], lt: number): EmailAddress {
  const gtRel = segment.slice(lt + 1).findIndex((t) => isSpecial(t, '>'));
  const gt = gtRel === -1 ? segment.length : lt + 1 + gtRel;
  let inner = segment.slice(lt + 1, gt);
  // obs-route: "<@a.example,@b.example:user@c.example>" keeps only the addr-spec.
  const colon = inner.findLastIndex((t) => isSpecial(t, ':'));
  if (colon !== -1) inner = inner.slice(colon + 1);
  return { name: phrase(segment.slice(0, lt)) ?? commentName(segment.slice(gt + 1)), email: specText(inner) };
}

/** Splits a segment at white space and comments into chunks of adjacent tokens. */
function chunks(segment: Token[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = -1;
  segment.forEach((t, i) => {
    if (isGap(t)) {
      if (start !== -1) out.push({ start, end: i });
      start = -1;
    } else if (start === -1) start = i;
  });
  if (start !== -1) out.push({ start, end: segment.length });
  return out;
}

function bareMailbox(segment: Token[]): EmailAddress {
  const parts = chunks(segment);
  const texts = parts.map((c) => specText(segment.slice(c.start, c.end)));
  const at = texts.findLastIndex((t) => t.includes('@'));
  if (at !== -1 && !/^[@.]|[@.]$/.test(texts[at])) {
    // "Name user@example.com" without angle brackets: the chunk with "@" is the address, what precedes it
    // the name.
    const { start, end } = parts[at];
    const name = at > 0 ? phrase(segment.slice(0, start)) : null;
    return { name: name ?? commentName(segment.slice(end)), email: texts[at] };
  }
  const email = at !== -1 ? texts.join('') : texts.join(' ');
  return { name: commentName(segment), email };
}

function parseMailbox(segment: Token[]): EmailAddress | null {
  if (withoutCfws(segment).length === 0) return null;
  const lt = segment.findIndex((t) => isSpecial(t, '<'));
  return lt !== -1 ? angleMailbox(segment, lt) : bareMailbox(segment);
}

class ListBuilder {
  readonly groups: EmailAddressGroup[] = [];
  private group: EmailAddressGroup | null = null;
  private loose: EmailAddressGroup | null = null;

  get inGroup(): boolean {
    return this.group !== null;
  }

  add(segment: Token[]): void {
    const mailbox = parseMailbox(segment);
    if (!mailbox) return;
    if (this.group) this.group.addresses.push(mailbox);
    else {
      if (!this.loose) this.groups.push((this.loose = { name: null, addresses: [] }));
      this.loose.addresses.push(mailbox);
    }
  }

  open(name: string | null): void {
    this.groups.push((this.group = { name, addresses: [] }));
    this.loose = null;
  }

  close(): void {
    this.group = null;
  }
}

export function parseAddressList(value: string): EmailAddressGroup[] {
  const list = new ListBuilder();
  let segment: Token[] = [];
  let inAngle = false;
  for (const t of tokenize(value)) {
    if (t.kind === 'special' && !inAngle) {
      if (t.raw === ',' || (t.raw === ';' && list.inGroup)) {
        list.add(segment);
        segment = [];
        if (t.raw === ';') list.close();
        continue;
      }
      if (t.raw === ':' && !list.inGroup) {
        list.open(phrase(segment));
        segment = [];
        continue;
      }
    }
    if (isSpecial(t, '<')) inAngle = true;
    else if (isSpecial(t, '>')) inAngle = false;
    segment.push(t);
  }
  list.add(segment);
  return list.groups;
}

export function parseAddresses(value: string): EmailAddress[] {
  return parseAddressList(value).flatMap((g) => g.addresses);
}
