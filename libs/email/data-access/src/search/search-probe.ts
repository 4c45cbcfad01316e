/**
 * Whether this database reads text as search-document.ts does. Queries are parsed by PostgreSQL, so the lexemes
 * the service writes must be exactly PostgreSQL's; they depend on its Snowball version (the stemmer) and on the
 * database's character classification and lowercasing (its LC_CTYPE). Once per process the writer compares both
 * on probe texts: equal for the ASCII and the other-script probe, the service builds both kinds of words; equal
 * for ASCII only (a "C" locale lowercases ASCII only), ASCII words; otherwise PostgreSQL parses every body
 * (correct, only slower) and a warning says so.
 */
import type { Queryable } from '@jmap/platform';
import { serviceLogger } from '@jmap/platform';
import { bodySearchDocuments, type SearchTokenizing } from './search-document.js';

/** Words through every step of the stemmer (Porter's examples and the exceptions), stop words, numbers, blanks. */
export const ASCII_PROBE =
  'The Generalizations of communism, arsenal: relational CONDITIONAL valency hesitancy digitizer sensibility ' +
  "controlling happily lovingly bowled ponies caresses cats' feed agreed plastered motoring sing conflated " +
  'troubled sized hopping tanned falling hissing fizzed failing filing happy sky probate rate cease roll ' +
  'skies dying gently only news inning proceed added upped 2024 (items) 12 "quoted" end. Note: it\'s up-to-date ' +
  'x.org/a the';
/** Letters of the other scripts: accents, ß, Greek with a final capital sigma, Cyrillic. */
export const UNICODE_PROBE = 'Crème BRÛLÉE naïve Straße ΟΔΟΣ Ёлка ÉCOLE Œuvre';

let tokenizing: Promise<SearchTokenizing> | undefined;

async function probe(db: Queryable): Promise<SearchTokenizing> {
  const [[ascii], [unicode]] = await Promise.all([
    bodySearchDocuments(db, [ASCII_PROBE], 'ascii'),
    bodySearchDocuments(db, [UNICODE_PROBE], 'unicode'),
  ]);
  const { rows } = await db.query<{ ascii: boolean; unicode: boolean }>(
    `SELECT to_tsvector('english', $1::text)::text = email_search_body($2, $3)::text AS ascii,
            to_tsvector('english', $4::text)::text = email_search_body($5, $6)::text AS unicode`,
    [ASCII_PROBE, ascii.literal, ascii.rest, UNICODE_PROBE, unicode.literal, unicode.rest],
  );
  const mode: SearchTokenizing = !rows[0].ascii ? 'none' : rows[0].unicode ? 'unicode' : 'ascii';
  if (mode !== 'unicode')
    serviceLogger('email').warn(
      { mode },
      mode === 'none'
        ? "full-text search: the database's English stemming differs from the service's; PostgreSQL parses every body (slower imports)"
        : 'full-text search: the database lowercases or classifies non-ASCII letters differently (LC_CTYPE); PostgreSQL parses words with them',
    );
  return mode;
}

/** The tokenizing this process uses, probed once (again after a failed probe). */
export function searchTokenizing(db: Queryable): Promise<SearchTokenizing> {
  tokenizing ??= probe(db).catch((e: unknown) => {
    tokenizing = undefined;
    throw e;
  });
  return tokenizing;
}
