/**
 * RFC 5256 section 2.1 base subject, used for threading and subject sorting. The input is the decoded subject
 * (the Text form, RFC 8621 4.1.2.2), which already performs step (1)'s RFC 2047 decoding. Linear in the length
 * of the subject, however many blobs or trailers it holds.
 */

const isWsp = (c: string | undefined) => c === ' ' || c === '\t';
// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"  (sticky: matched at a given index)
const REFWD = /(?:re|fwd?)[ \t]*(?:\[[^[\]]*\][ \t]*)?:/iy;

/** End of the subj-blob ("[" *BLOBCHAR "]" *WSP) starting at i, or -1. */
function blobEnd(s: string, i: number): number {
  if (s[i] !== '[') return -1;
  let j = i + 1;
  while (j < s.length && s[j] !== '[' && s[j] !== ']') j++;
  if (s[j] !== ']') return -1;
  j++;
  while (isWsp(s[j])) j++;
  return j;
}

/** (2) Removes subj-trailers ("(fwd)" / WSP) from the end, repeatedly. */
function removeTrailers(s: string): string {
  let end = s.length;
  for (;;) {
    if (isWsp(s[end - 1])) end--;
    else if (end >= 5 && s.slice(end - 5, end).toLowerCase() === '(fwd)') end -= 5;
    else return s.slice(0, end);
  }
}

/**
 * (3) to (5): removes subj-leaders (*subj-blob subj-refwd, or WSP), and leading subj-blobs while a non-empty
 * subj-base remains after them, until neither applies. Blobs not followed by a subj-refwd are removed together:
 * removing one of them cannot make a leader match, so re-checking after each one would only cost time.
 */
function removeLeaders(s: string): string {
  let out = s;
  for (;;) {
    if (isWsp(out[0])) {
      out = out.slice(1);
      continue;
    }
    const ends: number[] = [];
    for (let e = blobEnd(out, 0); e !== -1; e = blobEnd(out, e)) ends.push(e);
    REFWD.lastIndex = ends.at(-1) ?? 0;
    if (REFWD.exec(out)) {
      out = out.slice(REFWD.lastIndex);
      continue;
    }
    let lastNonWsp = out.length - 1;
    while (lastNonWsp >= 0 && isWsp(out[lastNonWsp])) lastNonWsp--;
    const keep = ends.filter((e) => e <= lastNonWsp).at(-1);
    if (keep === undefined) return out;
    out = out.slice(keep);
  }
}

export function baseSubject(subject: string): string {
  // (1) tabs and continuations become a space; runs of spaces become one.
  let s = subject
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/[\t\r\n]/g, ' ')
    .replace(/ {2,}/g, ' ');
  for (;;) {
    s = removeLeaders(removeTrailers(s)); // (2) to (5)
    // (6) "[fwd:" ... "]" is unwrapped and the procedure repeats from (2).
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) s = s.slice(5, -1);
    else return s;
  }
}
