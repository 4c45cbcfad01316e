/**
 * The English (Porter2) stemmer as PostgreSQL's `english_stem` dictionary applies it: Snowball 2.x's english
 * algorithm (https://snowballstem.org/algorithms/english/stemmer.html, the version PostgreSQL up to 18 ships:
 * the R1 exceptions are "gener", "commun" and "arsen" only), written from the algorithm's description. The word
 * must already be lowercased; letters other than a-z are consonants, as in Snowball's UTF-8 stemmer.
 *
 * It exists so that the email service can build the body's full-text document itself (search-document.ts): the
 * lexemes must be exactly those PostgreSQL's `to_tsvector('english', ...)` gives, because queries are still
 * parsed by PostgreSQL. The int test compares it with `ts_lexize('english_stem', w)` word for word, and the
 * writer probes the database once before trusting it (a PostgreSQL with another Snowball version falls back).
 */

const isVowel = (c: string | undefined): boolean =>
  c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';

const EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['skis', 'ski'],
  ['skies', 'sky'],
  ['dying', 'die'],
  ['lying', 'lie'],
  ['tying', 'tie'],
  ['idly', 'idl'],
  ['gently', 'gentl'],
  ['ugly', 'ugli'],
  ['early', 'earli'],
  ['only', 'onli'],
  ['singly', 'singl'],
  ['sky', 'sky'],
  ['news', 'news'],
  ['howe', 'howe'],
  ['atlas', 'atlas'],
  ['cosmos', 'cosmos'],
  ['bias', 'bias'],
  ['andes', 'andes'],
]);

/** Words left as they are after step 1a. */
const INVARIANT_AFTER_1A = new Set([
  'inning',
  'outing',
  'canning',
  'herring',
  'earring',
  'proceed',
  'exceed',
  'succeed',
]);

const DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const VALID_LI = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

// Suffix lists longest first: Snowball's `among` takes the longest suffix that matches, then tests its
// condition; a failed condition ends the step (no shorter suffix is tried).
const STEP2: ReadonlyArray<readonly [string, string]> = [
  ['ization', 'ize'],
  ['ational', 'ate'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['tional', 'tion'],
  ['biliti', 'ble'],
  ['lessli', 'less'],
  ['entli', 'ent'],
  ['ation', 'ate'],
  ['alism', 'al'],
  ['aliti', 'al'],
  ['ousli', 'ous'],
  ['iviti', 'ive'],
  ['fulli', 'ful'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['abli', 'able'],
  ['izer', 'ize'],
  ['ator', 'ate'],
  ['alli', 'al'],
  ['bli', 'ble'],
  ['ogi', 'og'],
  ['li', ''],
];
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['alize', 'al'],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ative', ''],
  ['ical', 'ic'],
  ['ness', ''],
  ['ful', ''],
];
const STEP4 = [
  'ement',
  'ance',
  'ence',
  'able',
  'ible',
  'ment',
  'ant',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
  'al',
  'er',
  'ic',
];

/** The first suffix of `list` that `w` ends with. */
function longest<T extends string | readonly [string, string]>(w: string, list: readonly T[]): T | undefined {
  for (const s of list) if (w.endsWith(typeof s === 'string' ? s : s[0])) return s;
  return undefined;
}

/**
 * A short syllable ending at `end` (exclusive): a non-vowel other than w, x and Y after a vowel after a
 * non-vowel, or a non-vowel after a vowel that starts the word.
 */
function shortSyllable(w: string, end: number): boolean {
  if (end >= 3) {
    const c = w[end - 1];
    if (!isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y' && isVowel(w[end - 2]) && !isVowel(w[end - 3]))
      return true;
  }
  return end === 2 && !isVowel(w[1]) && isVowel(w[0]);
}

/** The index after the first non-vowel that follows a vowel, at or after `from`; the length if none. */
function regionStart(w: string, from: number): number {
  let i = from;
  while (i < w.length && !isVowel(w[i])) i++;
  while (i < w.length && isVowel(w[i])) i++;
  return Math.min(i + 1, w.length);
}

export function englishStem(word: string): string {
  const exception = EXCEPTIONS.get(word);
  if (exception !== undefined) return exception;
  if (word.length < 3) return word;

  // Prelude: a y that starts the word or follows a vowel is a consonant (Y).
  let w = word;
  if (w.includes('y')) {
    let out = '';
    for (let i = 0; i < w.length; i++) {
      const c = w[i];
      out += c === 'y' && (i === 0 || isVowel(out[i - 1])) ? 'Y' : c;
    }
    w = out;
  }

  const p1 =
    w.startsWith('gener') || w.startsWith('arsen') ? 5 : w.startsWith('commun') ? 6 : regionStart(w, 0);
  const p2 = regionStart(w, p1);
  const inR1 = (suffixLength: number) => w.length - suffixLength >= p1;
  const inR2 = (suffixLength: number) => w.length - suffixLength >= p2;

  // Step 1a.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
  else if (w.endsWith('us') || w.endsWith('ss')) {
    // unchanged
  } else if (w.endsWith('s')) {
    // Delete if a vowel comes before the letter just before the s.
    for (let i = 0; i < w.length - 2; i++) {
      if (isVowel(w[i])) {
        w = w.slice(0, -1);
        break;
      }
    }
  }

  if (INVARIANT_AFTER_1A.has(w)) return w;

  // Step 1b.
  const b = longest(w, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
  if (b === 'eed' || b === 'eedly') {
    if (inR1(b.length)) w = w.slice(0, -b.length) + 'ee';
  } else if (b !== undefined) {
    const stem = w.slice(0, -b.length);
    let vowel = false;
    for (let i = 0; i < stem.length && !vowel; i++) vowel = isVowel(stem[i]);
    if (vowel) {
      w = stem;
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (DOUBLES.has(w.slice(-2))) {
        // PostgreSQL's Snowball keeps the double of a three-letter stem starting with a, e or o: "added" is
        // "add", "egged" "egg", but "upped" is "up" (measured with ts_lexize; the int test covers every pair).
        if (!(w.length === 3 && (w[0] === 'a' || w[0] === 'e' || w[0] === 'o'))) w = w.slice(0, -1);
      } else if (w.length === p1 && shortSyllable(w, w.length)) w += 'e';
    }
  }

  // Step 1c: a final y after a non-vowel that is not the first letter becomes i.
  const last = w[w.length - 1];
  if ((last === 'y' || last === 'Y') && w.length > 2 && !isVowel(w[w.length - 2])) w = w.slice(0, -1) + 'i';

  // Step 2.
  const s2 = longest(w, STEP2);
  if (s2 !== undefined && inR1(s2[0].length)) {
    const [suffix, replacement] = s2;
    const before = w[w.length - suffix.length - 1];
    if (suffix === 'ogi') {
      if (before === 'l') w = w.slice(0, -3) + 'og';
    } else if (suffix === 'li') {
      if (before !== undefined && VALID_LI.has(before)) w = w.slice(0, -2);
    } else w = w.slice(0, -suffix.length) + replacement;
  }

  // Step 3.
  const s3 = longest(w, STEP3);
  if (s3 !== undefined && inR1(s3[0].length)) {
    const [suffix, replacement] = s3;
    if (suffix !== 'ative' || inR2(suffix.length)) w = w.slice(0, -suffix.length) + replacement;
  }

  // Step 4.
  const s4 = longest(w, STEP4);
  if (s4 !== undefined && inR2(s4.length)) {
    if (s4 !== 'ion') w = w.slice(0, -s4.length);
    else {
      const before = w[w.length - 4];
      if (before === 's' || before === 't') w = w.slice(0, -3);
    }
  }

  // Step 5.
  if (w.endsWith('e')) {
    if (inR2(1) || (inR1(1) && !shortSyllable(w, w.length - 1))) w = w.slice(0, -1);
  } else if (w.endsWith('ll') && inR2(1)) w = w.slice(0, -1);

  return w.includes('Y') ? w.replaceAll('Y', 'y') : w;
}
