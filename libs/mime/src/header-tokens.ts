/**
 * A lexer for structured header field bodies (RFC 5322 section 3.2): white space, comments, quoted strings,
 * domain literals, specials and atoms. It never fails: an unclosed comment, quoted string or literal runs to
 * the end of the value.
 */

export type Token =
  | { kind: 'space'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'quoted'; text: string; raw: string }
  | { kind: 'literal'; raw: string }
  | { kind: 'special'; raw: string }
  | { kind: 'atom'; raw: string };

const SPECIALS = '()<>[]:;@\\,."';

/** RFC 5322 2.2.3: removes each line break that is followed by white space, then any stray line break. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]/g, '');
}

function readComment(s: string, start: number): [string, number] {
  let depth = 0;
  let text = '';
  let i = start;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      text += s[++i];
      continue;
    }
    if (c === '(' && depth++ === 0) continue;
    if (c === ')' && --depth === 0) return [text, i + 1];
    text += c;
  }
  return [text, i];
}

/** A quoted string, or null if it is never closed (the quote is then read as an ordinary character). */
function readQuoted(s: string, start: number): [string, number] | null {
  let text = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) text += s[++i];
    else if (c === '"') return [text, i + 1];
    else text += c;
  }
  return null;
}

export function tokenize(value: string): Token[] {
  const s = unfold(value);
  const tokens: Token[] = [];
  // Once a quote is never closed, no later quote is either (its scan follows the same path), so later quotes
  // are not rescanned: that keeps a field full of \" linear.
  let unclosed = s.length;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const quoted = c === '"' && i < unclosed ? readQuoted(s, i) : null;
    if (c === '"' && !quoted) unclosed = Math.min(unclosed, i);
    if (c === ' ' || c === '\t') {
      const start = i;
      while (s[i] === ' ' || s[i] === '\t') i++;
      tokens.push({ kind: 'space', text: s.slice(start, i) });
    } else if (c === '(') {
      const [text, end] = readComment(s, i);
      tokens.push({ kind: 'comment', text });
      i = end;
    } else if (quoted) {
      const [text, end] = quoted;
      tokens.push({ kind: 'quoted', text, raw: s.slice(i, end) });
      i = end;
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close === -1 ? s.length : close + 1;
      tokens.push({ kind: 'literal', raw: s.slice(i, end) });
      i = end;
    } else if (SPECIALS.includes(c) && c !== '"') {
      tokens.push({ kind: 'special', raw: c });
      i++;
    } else {
      const start = i;
      i++; // the first character may be an unclosed quote
      while (i < s.length && !SPECIALS.includes(s[i]) && s[i] !== ' ' && s[i] !== '\t') i++;
      tokens.push({ kind: 'atom', raw: s.slice(start, i) });
    }
  }
  return tokens;
}

/** The source text of a token as it appeared (comments re-parenthesised). */
export function tokenText(t: Token): string {
  switch (t.kind) {
    case 'space':
      return t.text;
    case 'comment':
      return `(${t.text})`;
    case 'quoted':
    case 'literal':
    case 'special':
    case 'atom':
      return t.raw;
    default: {
      const never: never = t;
      return never;
    }
  }
}

/** Removes CFWS (RFC 5322 3.2.2): comments and white space. */
export function withoutCfws(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}
