/**
 * JSON Pointer (RFC 6901) with JMAP's "*" extension (RFC 8620 section 3.7): "*" on an array applies the rest
 * of the pointer to every item and flattens arrays in the results into one array.
 */
export class PointerError extends Error {}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function evaluatePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) throw new PointerError(`path must start with "/": ${pointer}`);
  return walk(doc, pointer.slice(1).split('/').map(unescape));
}

function walk(value: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return value;
  const [token, ...rest] = tokens;
  if (Array.isArray(value)) {
    if (token === '*') {
      const out: unknown[] = [];
      for (const item of value) {
        const r = walk(item, rest);
        if (Array.isArray(r)) out.push(...r);
        else out.push(r);
      }
      return out;
    }
    if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PointerError(`"${token}" is not an array index`);
    const i = Number(token);
    if (i >= value.length) throw new PointerError(`index ${i} out of range`);
    return walk(value[i], rest);
  }
  if (value !== null && typeof value === 'object') {
    if (!Object.prototype.hasOwnProperty.call(value, token)) throw new PointerError(`no member "${token}"`);
    return walk((value as Record<string, unknown>)[token], rest);
  }
  throw new PointerError(`cannot descend into ${value === null ? 'null' : typeof value} at "${token}"`);
}
