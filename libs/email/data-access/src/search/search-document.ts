/**
 * The body part of an email's full-text document, built in the service instead of by PostgreSQL's
 * `to_tsvector('english', text)`, which costs about 1.3 µs of database CPU per word, the largest single cost of an
 * import (docs/benchmarks.md, ADR 0009). Parsing the tsvector literal this module builds costs PostgreSQL a few
 * per cent of that.
 *
 * The lexemes and positions must be exactly PostgreSQL's, because queries are still parsed by PostgreSQL. The text
 * is read in white-space separated chunks. A chunk of words made of letters (ASCII, Latin, Greek, Cyrillic) and
 * numbers made of digits, between punctuation that PostgreSQL's default parser always reads as blanks, is done
 * here: lowercased, English stop words dropped (each still takes a position) and stemmed by the Porter2 algorithm
 * of PostgreSQL's english_stem (english-stem.ts). Every other chunk (a URL, an e-mail address, a hyphenated word,
 * a date, a decimal number, a word with digits, other scripts) is PostgreSQL's: its lexemes and the number of
 * positions it takes come from `to_tsvector` of the chunk alone (the parser reads a chunk after white space the
 * same wherever it stands; the int test compares whole texts), asked once per distinct chunk and remembered, so
 * a batch of imports costs at most one extra statement and mail that repeats its links and dates none.
 *
 * Only an HTML tag or comment can run over white space; from a chunk that may open one (or one of over 2,000
 * characters, not worth remembering), the rest of the text goes to `to_tsvector` as it is, concatenated after the
 * literal by the database function `email_search_body` (migration 0060), which also deletes the mark of the
 * literal's last position (SENTINEL).
 */
import type { Queryable } from '@jmap/platform';
import { englishStem } from './english-stem.js';

/** PostgreSQL's english.stop (tsearch_data), the stop words of the english_stem dictionary. */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is are ' +
    'was were be been being have has had having do does did doing a an the and but if or because as until while ' +
    'of at by for with about against between into through during before after above below to from up down in out ' +
    'on off over under again further then once here there when where why how all any both each few more most ' +
    'other some such no nor not only own same so than too very s t can will just don should now'
  ).split(' '),
);

/** A lexeme the parser never produces (it holds a space): marks the last position of a literal, then deleted. */
const SENTINEL = '~ ~';
/**
 * Follows a chunk given to to_tsvector alone: a word of letters and digits, kept as written, whose position (the
 * last) tells how many positions the chunk takes (stop words take positions without lexemes).
 */
const SENTINEL_WORD = 'x0jmapsentinel0x';

/** tsvector limits: positions above 16383 are 16383; a lexeme keeps at most 255 positions. */
const MAX_POSITION = 16383;
const MAX_POSITIONS = 255;
/** Longer tokens go to PostgreSQL (it leaves words over 1000 bytes unstemmed and drops those over 2047). */
const MAX_TOKEN = 100;

// Character classes of the chunks built here.
const LETTER = 1;
const DIGIT = 2;
/** Always a blank to PostgreSQL's parser, wherever it stands between letters and digits. */
const SEPARATOR = 3;
/** A blank at the end of a chunk ("end." "Note:"), part of a host, file or number before a letter or digit. */
const TRAILING = 4;
const OTHER = 0;

const SEPARATORS = new Set([...'()[]{}"\'’‘“”«»…—–,;!?*']);

/** White space: chunks end there. */
const SPACE = 5;

/** Classes of U+0000 to U+04FF, for the 'unicode' tokenizing; the 'ascii' one reads U+0080 and up as OTHER. */
const CLASSES = new Uint8Array(0x500);
for (let code = 0; code < CLASSES.length; code++) {
  const ch = String.fromCharCode(code);
  CLASSES[code] =
    code === 0x20 || (code >= 0x09 && code <= 0x0d)
      ? SPACE
      : (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
        ? LETTER
        : code >= 0x30 && code <= 0x39
          ? DIGIT
          : code === 0x2e || code === 0x3a
            ? TRAILING
            : SEPARATORS.has(ch)
              ? SEPARATOR
              : // Latin-1 letters, Latin Extended-A/B, Greek and Coptic, Cyrillic; U+0130 lowercases to two code
                // points, × and ÷ are not letters.
                ((code >= 0xc0 && code <= 0x24f && code !== 0x130) || code >= 0x370) && /\p{L}/u.test(ch)
                ? LETTER
                : OTHER;
}

/** A "C" locale database reads every non-ASCII character as a letter: then all of them are OTHER. */
function charClass(code: number, unicode: boolean): number {
  if (code < 0x80) return CLASSES[code];
  if (!unicode) return OTHER;
  if (code < 0x500) return CLASSES[code];
  return code === 0x2019 ||
    code === 0x2018 ||
    code === 0x201c ||
    code === 0x201d ||
    code === 0x2026 ||
    code === 0x2014 ||
    code === 0x2013 ||
    code === 0xab ||
    code === 0xbb
    ? SEPARATOR
    : OTHER;
}

/**
 * A lexeme, one object per text (interned), so that the literal being built finds its positions on it: `stamp`
 * says which literal `positions` belong to.
 */
class Lexeme {
  stamp = 0;
  positions: number[] = [];
  /** As written in a tsvector literal. */
  readonly quoted: string;
  constructor(readonly text: string) {
    this.quoted = /['\\]/.test(text)
      ? `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
      : `'${text}'`;
  }
}

const interned = new Map<string, Lexeme>();
function lexeme(text: string): Lexeme {
  let l = interned.get(text);
  if (l === undefined) {
    l = new Lexeme(text);
    interned.set(text, l);
  }
  return l;
}

/**
 * Lexemes of word and number tokens (null: a stop word) by a hash of the token's characters, so that a token
 * met before is found without cutting it out of the text: mail reuses its words.
 */
const tokens = new Map<number, Array<{ token: string; lexeme: Lexeme | null }>>();
let tokenCount = 0;
const MAX_TOKENS = 50_000;

function tokenLexeme(text: string, start: number, end: number, hash: number, digits: boolean): Lexeme | null {
  const length = end - start;
  const bucket = tokens.get(hash);
  if (bucket !== undefined)
    for (const e of bucket) if (e.token.length === length && text.startsWith(e.token, start)) return e.lexeme;
  const token = text.slice(start, end);
  let lexemeText: string | null = token;
  if (!digits) {
    // Character by character, as PostgreSQL's str_tolower does (towlower): no final sigma.
    const lower = token.includes('Σ')
      ? Array.from(token, (c) => c.toLowerCase()).join('')
      : token.toLowerCase();
    lexemeText = STOP_WORDS.has(lower) ? null : englishStem(lower);
  }
  const entry = { token, lexeme: lexemeText === null ? null : lexeme(lexemeText) };
  if (bucket !== undefined) bucket.push(entry);
  else tokens.set(hash, [entry]);
  tokenCount++;
  return entry.lexeme;
}

/**
 * Empties the caches together (chunk documents and tokens hold interned lexemes), only between bodies: one
 * literal must see one object per lexeme. `epoch` tells a body read before that it has to be read again.
 */
let epoch = 0;
function forget(): void {
  tokens.clear();
  chunks.clear();
  interned.clear();
  tokenCount = 0;
  chunkChars = 0;
  epoch++;
}

/** A chunk's document on its own: lexemes by position (ascending) and the number of positions it takes. */
interface ChunkDocument {
  readonly lexemes: ReadonlyArray<readonly [number, Lexeme]>;
  readonly positions: number;
}

/** A chunk as PostgreSQL parses it, by the text given to to_tsvector (with a leading space inside the body). */
const chunks = new Map<string, ChunkDocument | null>();
/** Bounds of the chunk cache: entries, and characters of their keys (a few MB at most). */
const MAX_CHUNKS = 20_000;
const MAX_CHUNK_CHARS = 1_000_000;
let chunkChars = 0;
/** A longer chunk starts the rest of the text that PostgreSQL parses (nothing to reuse, much to remember). */
const MAX_CHUNK = 2000;

/** The text of a chunk for PostgreSQL: its parser reads the start of its input differently ("~1" is a file). */
const chunkKey = (chunk: string, atStart: boolean) => (atStart ? chunk : ` ${chunk}`);

let stamps = 0;

/** A literal of lexemes and positions (1-based); `last` is the last position taken. */
class Literal {
  private readonly stamp = ++stamps;
  private readonly used: Lexeme[] = [];
  last = 0;
  private lastLexeme = 0;

  /** The next position; its lexeme, none for a stop word. */
  add(lexeme: Lexeme | null): void {
    this.last++;
    if (lexeme !== null) this.at(this.last, lexeme);
  }

  /** A lexeme at a position taken already (to_tsvector keeps the first 255 positions, up to 16383). */
  at(position: number, lexeme: Lexeme): void {
    const pos = position < MAX_POSITION ? position : MAX_POSITION;
    if (pos > this.lastLexeme) this.lastLexeme = pos;
    if (lexeme.stamp !== this.stamp) {
      lexeme.stamp = this.stamp;
      lexeme.positions = [pos];
      this.used.push(lexeme);
      return;
    }
    const list = lexeme.positions;
    if (list.length < MAX_POSITIONS && list[list.length - 1] !== pos) list.push(pos);
  }

  /** The literal; with `mark`, a last position without a lexeme (stop words) is kept by the SENTINEL. */
  text(mark: boolean): string {
    let s = '';
    for (const l of this.used) s += `${s.length > 0 ? ' ' : ''}${l.quoted}:${l.positions.join(',')}`;
    const end = Math.min(this.last, MAX_POSITION);
    if (mark && end > this.lastLexeme) s += `${s.length > 0 ? ' ' : ''}'${SENTINEL}':${end}`;
    return s;
  }
}

/**
 * Whether an HTML tag or comment the parser may see could run past the chunk's end (over white space): a "<"
 * with no ">" after it in the chunk, or quotes, inside which ">" does not end a tag. "<https://example.com/>"
 * is a chunk like any other.
 */
function openTag(chunk: string): boolean {
  const lt = chunk.lastIndexOf('<');
  return lt >= 0 && (chunk.indexOf('>', lt) < 0 || chunk.includes('"') || chunk.includes("'"));
}

/**
 * What this module builds itself: words of all the scripts above, ASCII words only (the database lowercases
 * or classifies other letters differently, e.g. a "C" locale), or nothing (its stemmer differs). The writer
 * chooses by probing the database (search-probe.ts).
 */
export type SearchTokenizing = 'unicode' | 'ascii' | 'none';

/** A body read into chunks: lexemes (null: a stop word) and chunks for PostgreSQL in order, and the rest. */
export class BodyTokens {
  /** A lexeme or null (a stop word) takes one position; a ChunkKey is a chunk PostgreSQL parses. */
  readonly items: Array<Lexeme | null | ChunkKey> = [];
  /** From a chunk that may open an HTML tag (or is over MAX_CHUNK) on, the text for to_tsvector; null if none. */
  rest: string | null = null;
  /** The text, when nothing is built here. */
  whole: string | null = null;
}

class ChunkKey {
  constructor(readonly key: string) {}
}

/**
 * Reads a body into chunks (first step; then unknownChunks, rememberChunks and bodySearchDocument). A chunk is
 * done here when it holds only words (letters), numbers (digits) and blanks between them: a blank is white
 * space, a SEPARATOR, or "." or ":" with no letter or digit after it in the chunk ("end." but not "a.b" or
 * "3.5"); letters next to digits make a numword. A chunk of ASCII punctuation alone ("-", ">", "/", "&") is
 * blanks, except at the start of the text, where the parser reads some of it differently ("~1" is a file there).
 */
export function tokenizeBody(text: string | null, mode: SearchTokenizing = 'unicode'): BodyTokens {
  const out = new BodyTokens();
  if (!text) return out;
  if (mode === 'none') {
    out.whole = text;
    return out;
  }
  const unicode = mode === 'unicode';
  const items = out.items;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && charClass(text.charCodeAt(i), unicode) === SPACE) i++;
    if (i >= n) break;
    const chunkStart = i;
    const mark = items.length;
    let ok = true;
    let start = -1; // of the word or number being read
    let kind = OTHER;
    let hash = 0;
    let punctuation = false;
    let trailing = false;
    for (; ; i++) {
      const code = i < n ? text.charCodeAt(i) : 0x20;
      const c = charClass(code, unicode);
      if (c === LETTER || c === DIGIT) {
        if (!ok) continue;
        if (punctuation || trailing) ok = false;
        else if (start < 0) {
          start = i;
          kind = c;
          hash = Math.imul(0x811c9dc5 ^ code, 0x01000193); // FNV-1a
        } else if (c !== kind) ok = false;
        else hash = Math.imul(hash ^ code, 0x01000193);
        continue;
      }
      if (ok && start >= 0) {
        if (i - start > MAX_TOKEN) ok = false;
        else items.push(tokenLexeme(text, start, i, hash, kind === DIGIT));
        start = -1;
      }
      if (c === SPACE) break;
      if (c === TRAILING) trailing = true;
      else if (c === OTHER) {
        if (code >= 0x80 || code === 0x3c || chunkStart === 0 || items.length > mark) ok = false;
        else punctuation = true;
      }
    }
    if (ok) continue;
    items.length = mark;
    const chunk = text.slice(chunkStart, i);
    if (chunk.length > MAX_CHUNK || openTag(chunk)) {
      out.rest = (chunkStart > 0 ? ' ' : '') + text.slice(chunkStart);
      break;
    }
    items.push(new ChunkKey(chunkKey(chunk, chunkStart === 0)));
  }
  return out;
}

/** The chunks of these bodies PostgreSQL has not parsed for this process yet. */
export function unknownChunks(bodies: readonly BodyTokens[]): string[] {
  const unknown = new Set<string>();
  for (const b of bodies)
    for (const item of b.items) if (item instanceof ChunkKey && !chunks.has(item.key)) unknown.add(item.key);
  return [...unknown];
}

/** Parses tsvector output ('a':1,3 'b''s':2) into lexemes by position. */
function parseTsvector(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") {
      i++;
      continue;
    }
    let lexeme = '';
    i++;
    for (;;) {
      const c = text[i++];
      if (c === "'" && text[i] === "'") {
        lexeme += "'";
        i++;
      } else if (c === "'") break;
      else if (c === '\\') lexeme += text[i++];
      else lexeme += c;
    }
    if (text[i] === ':') {
      i++;
      let j = i;
      while (j < text.length && text[j] !== ' ') j++;
      for (const p of text.slice(i, j).split(',')) out.push([parseInt(p, 10), lexeme]);
      i = j;
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Remembers PostgreSQL's documents of chunks: `documents[i]` is to_tsvector('english', keys[i] + ' ' +
 * SENTINEL_WORD) as text; the sentinel's position says how many positions the chunk takes.
 */
export function rememberChunks(keys: readonly string[], documents: readonly string[]): void {
  keys.forEach((key, i) => {
    chunkChars += key.length;
    const all = parseTsvector(documents[i]);
    const sentinel = all.filter(([, l]) => l === SENTINEL_WORD).pop();
    // Without the sentinel at its end the chunk was not read on its own: such a body goes to PostgreSQL whole.
    chunks.set(
      key,
      sentinel === undefined || sentinel[0] >= MAX_POSITION
        ? null
        : {
            lexemes: all.filter(([p]) => p < sentinel[0]).map(([p, l]) => [p, lexeme(l)]),
            positions: sentinel[0] - 1,
          },
    );
  });
}

/** The SQL that gives rememberChunks its documents: $1 the keys, in order. */
const CHUNK_DOCUMENTS_SQL = `SELECT to_tsvector('english', k || ' ${SENTINEL_WORD}')::text AS d
  FROM unnest($1::text[]) WITH ORDINALITY AS x(k, o) ORDER BY o`;

/**
 * The body's document as email_search_body takes it: the tsvector literal built here and the rest of the text
 * for to_tsvector, if any.
 */
export interface BodyDocument {
  readonly literal: string;
  readonly rest: string | null;
}

/** The body's document; every chunk of `body` must be known (unknownChunks, rememberChunks). */
export function bodySearchDocument(body: BodyTokens, original: string | null): BodyDocument {
  if (body.whole !== null) return { literal: '', rest: body.whole };
  const literal = new Literal();
  for (const item of body.items) {
    if (!(item instanceof ChunkKey)) {
      literal.add(item);
      continue;
    }
    const doc = chunks.get(item.key);
    if (doc === undefined || doc === null) return { literal: '', rest: original };
    const base = literal.last;
    for (const [p, lexeme] of doc.lexemes) literal.at(base + p, lexeme);
    literal.last = base + doc.positions;
  }
  return { literal: literal.text(body.rest !== null), rest: body.rest };
}

/** Each text's body document; asks the database for the chunks it has not parsed yet. */
export async function bodySearchDocuments(
  db: Queryable,
  texts: ReadonlyArray<string | null>,
  mode: SearchTokenizing,
): Promise<BodyDocument[]> {
  if (tokenCount >= MAX_TOKENS || chunks.size >= MAX_CHUNKS || chunkChars >= MAX_CHUNK_CHARS) forget();
  let bodies = texts.map((t) => tokenizeBody(t, mode));
  const unknown = unknownChunks(bodies);
  if (unknown.length > 0) {
    const read = epoch;
    const { rows } = await db.query<{ d: string }>(CHUNK_DOCUMENTS_SQL, [unknown]);
    // Another batch emptied the caches meanwhile: read again (a chunk now unknown sends its body to PostgreSQL).
    if (epoch !== read) bodies = texts.map((t) => tokenizeBody(t, mode));
    rememberChunks(
      unknown,
      rows.map((r) => r.d),
    );
  }
  return bodies.map((b, i) => bodySearchDocument(b, texts[i]));
}
