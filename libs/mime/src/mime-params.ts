/**
 * Structured MIME header values: "value; attr=value; ..." (RFC 2045 section 5.1, RFC 2183) with RFC 2231
 * parameter continuations, charsets and languages.
 */
import { decodeCharset } from './charset.js';
import { unfold } from './header-tokens.js';

export interface StructuredValue {
  /** Lowercase value with CFWS removed ("text/plain", "attachment"). */
  value: string;
  /** Lowercase parameter names; values after RFC 2231 assembly. The first occurrence of a name wins. */
  params: Map<string, string>;
}

interface RawParam {
  name: string;
  value: string;
}

/** Splits at ";" outside quoted strings and comments, removing comments. */
function splitSections(s: string): string[] {
  const sections: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < s.length) current += s[++i];
      else if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '(') depth++;
    else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === ';') {
      sections.push(current);
      current = '';
    } else current += c;
  }
  sections.push(current);
  return sections;
}

function unquote(value: string): string {
  const v = value.trim();
  if (!v.startsWith('"')) return v;
  const close = v.length > 1 && v.endsWith('"') ? v.length - 1 : v.length;
  return v.slice(1, close).replace(/\\(.)/g, '$1');
}

function rawParams(sections: string[]): RawParam[] {
  const out: RawParam[] = [];
  for (const section of sections) {
    const eq = section.indexOf('=');
    if (eq === -1) continue;
    const name = section.slice(0, eq).trim().toLowerCase();
    if (name) out.push({ name, value: unquote(section.slice(eq + 1)) });
  }
  return out;
}

function percentDecode(s: string): Buffer {
  return Buffer.concat(
    s
      .split(/(%[0-9A-Fa-f]{2})/)
      .map((piece) =>
        /^%[0-9A-Fa-f]{2}$/.test(piece)
          ? Buffer.from([parseInt(piece.slice(1), 16)])
          : Buffer.from(piece, 'utf8'),
      ),
  );
}

interface Segment {
  index: number;
  extended: boolean;
  value: string;
}

/** RFC 2231 sections 3 and 4: joins name*0, name*1*, ... and decodes charset'language'%XX values. */
function assemble(segments: Segment[]): string {
  const sorted = [...segments].sort((a, b) => a.index - b.index);
  let charset: string | null = null;
  const bytes: Buffer[] = [];
  sorted.forEach((seg, i) => {
    if (seg.index !== i) return; // a gap or duplicate index: RFC 2231 gives no meaning to what follows
    let value = seg.value;
    if (seg.extended && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(value);
      if (m) [charset, value] = [m[1] || null, m[2]];
    }
    bytes.push(seg.extended ? percentDecode(value) : Buffer.from(value, 'utf8'));
  });
  return decodeCharset(Buffer.concat(bytes), charset).text;
}

function collectParams(raw: RawParam[]): Map<string, string> {
  const plain = new Map<string, string>();
  const extended = new Map<string, Segment[]>();
  for (const { name, value } of raw) {
    // name*  |  name*N  |  name*N*
    const m = /^([^*]+)\*(?:(\d+)(\*)?)?$/.exec(name);
    if (!m) {
      if (!plain.has(name)) plain.set(name, value);
      continue;
    }
    const [, base, digits, star] = m;
    const index = digits === undefined ? 0 : Number(digits);
    const list = extended.get(base) ?? [];
    if (!list.some((seg) => seg.index === index))
      list.push({ index, extended: digits === undefined || star === '*', value });
    extended.set(base, list);
  }
  // An RFC 2231 form of a parameter wins over a plain one of the same name.
  for (const [base, segments] of extended) plain.set(base, assemble(segments));
  return plain;
}

export function parseStructured(raw: string): StructuredValue {
  const sections = splitSections(unfold(raw));
  const value = sections[0].replace(/\s+/g, '').toLowerCase();
  return { value, params: collectParams(rawParams(sections.slice(1))) };
}
