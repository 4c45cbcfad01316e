/**
 * Finds the body parts of a multipart body (RFC 2046 section 5.1.1). A delimiter is "--boundary" at the start
 * of a line followed only by white space, or "--boundary--" (the close delimiter). The line break before a
 * delimiter belongs to the delimiter, not to the part before it.
 */

export interface Split {
  /** [start, end) of each part, header block included. */
  parts: [number, number][];
  /** [start, end) of the parts that were not returned because of the part bound, if any. */
  rest: [number, number] | null;
  closed: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

function lineEnd(body: Buffer, from: number): number {
  const lf = body.indexOf(LF, from);
  return lf === -1 ? body.length : lf;
}

function onlyBlanks(body: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (body[i] !== 0x20 && body[i] !== 0x09 && body[i] !== CR) return false;
  return true;
}

/** True if a delimiter line starts at `at`: "--boundary" then white space only, or "--boundary--". */
function delimiterAt(body: Buffer, at: number, delimiter: Buffer): { close: boolean; eol: number } | null {
  if (body[at] !== 0x2d || body[at + 1] !== 0x2d || body.length - at < delimiter.length) return null;
  // compare() stops at the first difference, which is within this line: the scan stays linear however long
  // the boundary is (Buffer.indexOf is not, on near-miss lines).
  if (body.compare(delimiter, 0, delimiter.length, at, at + delimiter.length) !== 0) return null;
  const pos = at + delimiter.length;
  const close = body[pos] === 0x2d && body[pos + 1] === 0x2d;
  const eol = lineEnd(body, pos);
  return close || onlyBlanks(body, pos, eol) ? { close, eol } : null;
}

/** Splits raw[start, end); returns at most maxParts parts, the rest (if any) as one range. Linear time. */
export function splitMultipart(
  raw: Buffer,
  start: number,
  end: number,
  boundary: string,
  maxParts: number,
): Split {
  const body = raw.subarray(start, end);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: [number, number][] = [];
  let rest: [number, number] | null = null;
  const add = (range: [number, number]) => {
    if (rest) rest[1] = range[1];
    else if (parts.length < maxParts) parts.push(range);
    else rest = range;
  };
  let partStart = -1;
  for (let at = 0; at < body.length;) {
    const found = delimiterAt(body, at, delimiter);
    if (found) {
      let partEnd = at;
      if (partEnd > 0 && body[partEnd - 1] === LF) partEnd--;
      if (partEnd > 0 && body[partEnd - 1] === CR) partEnd--;
      if (partStart !== -1) add([start + partStart, start + Math.max(partStart, partEnd)]);
      if (found.close) return { parts, rest, closed: true };
      partStart = Math.min(found.eol + 1, body.length);
    }
    const lf = body.indexOf(LF, at);
    if (lf === -1) break;
    at = lf + 1;
  }
  if (partStart !== -1) add([start + partStart, end]);
  return { parts, rest, closed: false };
}
