/**
 * SearchSnippet/get (RFC 8621 5.1): the subject and a fragment of the body text with the words the filter's
 * text conditions match marked. PostgreSQL's ts_headline picks and marks the words (with the same parser and
 * stemming as the index); its marks are two private-use characters (removed from the text first, so a message
 * cannot forge one), which become <mark></mark> after the text is HTML-escaped here, a character at a time.
 */
import type { Queryable } from '@jmap/platform';
import { Params, tsquerySql } from './email-query.sql.js';

const START = '\uE000';
const STOP = '\uE001';
/** RFC 8621 5.1: the preview "MUST NOT be more than 255 octets in size". */
const MAX_PREVIEW_BYTES = 255;
/** "<" and ">" stand in for themselves during ts_headline, whose parser would drop "<draft>" as an HTML tag. */
const LT = '\uE002';
const GT = '\uE003';
const UNMARK = `'<>${START}${STOP}${LT}${GT}', '${LT}${GT}'`;

export interface SnippetTerms {
  /** Search strings matched against the subject (text and subject conditions). */
  subject: string[];
  /** Search strings matched against the body (text and body conditions). */
  body: string[];
}

export interface SearchSnippet {
  emailId: string;
  subject: string | null;
  preview: string | null;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  [LT]: '&lt;',
  [GT]: '&gt;',
};
const escapeHtml = (ch: string) => ENTITIES[ch] ?? ch;

/**
 * HTML-escapes a ts_headline result and turns its marks into <mark></mark>; null when nothing is marked.
 * With a byte bound, whole characters are dropped from the end (never inside an entity or a mark) and an open
 * mark is closed.
 */
export function markedHtml(raw: string | null, maxBytes = Infinity): string | null {
  if (raw === null || !raw.includes(START)) return null;
  let out = '';
  let bytes = 0;
  let open = false;
  for (const ch of raw.replace(/\s+/g, ' ').trim()) {
    const piece = ch === START ? '<mark>' : ch === STOP ? '</mark>' : escapeHtml(ch);
    const size = Buffer.byteLength(piece);
    const willOpen: boolean = ch === START ? true : ch === STOP ? false : open;
    // Room is kept for the "</mark>" that closes an open mark.
    if (bytes + size + (willOpen ? 7 : 0) > maxBytes) break;
    out += piece;
    bytes += size;
    open = willOpen;
  }
  if (open) out += '</mark>';
  return out.includes('<mark>') ? out.replace(/<mark><\/mark>/g, '') : null;
}

function anyOf(p: Params, terms: readonly string[]): string | null {
  return terms.length === 0 ? null : terms.map((t) => tsquerySql(p, t)).join(' || ');
}

export async function searchSnippets(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
  terms: SnippetTerms,
): Promise<{ list: SearchSnippet[]; notFound: string[] }> {
  const p = new Params(accountId);
  const idsParam = p.add(ids);
  const qs = anyOf(p, terms.subject);
  const qb = anyOf(p, terms.body);
  const opts = (extra: string) => `'StartSel=${START}, StopSel=${STOP}, ${extra}'`;
  const subject =
    qs === null
      ? 'NULL'
      : `ts_headline('english', translate(COALESCE(e.subject, ''), ${UNMARK}), ${qs}, ${opts('HighlightAll=true')})`;
  const body =
    qb === null
      ? 'NULL'
      : `ts_headline('english', translate(e.text_extract, ${UNMARK}), ${qb}, ${opts('MaxFragments=1, MaxWords=30, MinWords=12')})`;
  const { rows } = await db.query<{ id: string; subject: string | null; body: string | null }>(
    `SELECT e.id, ${subject} AS subject, ${body} AS body FROM emails e WHERE e.account_id = $1 AND e.id = ANY(${idsParam}::text[])`,
    p.values,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const list: SearchSnippet[] = [];
  const notFound: string[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) notFound.push(id);
    else
      list.push({
        emailId: id,
        subject: markedHtml(r.subject),
        preview: markedHtml(r.body, MAX_PREVIEW_BYTES),
      });
  }
  return { list, notFound };
}
