/**
 * The body's full-text document built by the service (search-document.ts, english-stem.ts) against PostgreSQL's
 * own `to_tsvector('english', ...)`, on the real database: queries are parsed by PostgreSQL (plainto_tsquery,
 * phraseto_tsquery, ts_headline), so every lexeme and position must be PostgreSQL's (ADR 0009).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmailCreatedData } from '@jmap/email-contracts';
import { createPool, type Pool } from '@jmap/platform';
import { createTestDatabase, testEndpoints } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails } from '../email-rows.writer.js';
import { englishStem } from './english-stem.js';
import { bodySearchDocuments } from './search-document.js';
import { ASCII_PROBE, UNICODE_PROBE, searchTokenizing } from './search-probe.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');
const MESSAGES = join(ROOT, 'tests', 'fixtures', 'mime', 'messages');

/** English prose of the repository: the docs and ADRs. */
function prose(): string[] {
  const files = [
    join(ROOT, 'README.md'),
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(ROOT, 'docs', f)),
    ...readdirSync(join(ROOT, 'docs', 'adr')).map((f) => join(ROOT, 'docs', 'adr', f)),
  ];
  return files.map((f) => readFileSync(f, 'utf8'));
}

/** Texts that stress the chunking: every blank and token kind next to words, stop words and digits (seeded). */
function fuzz(count: number): string[] {
  const alphabet = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...'éÉèçÇßñÑøØåÅœŒıİšŠžŽαβγΣσςΑΩабвгДЖЯёЁ中文日本語한국',
    ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    ...'’‘“”«»…—–·•€£°±×÷§¶©®™\u00a0\u200b\u0301\u0308',
    ...'    \n\t',
  ];
  const words = [
    'the',
    'to',
    'do',
    'a',
    'running',
    'e',
    'mail',
    'http',
    'www',
    'com',
    'up',
    'date',
    'and',
    'is',
  ];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let t = '';
    const len = 1 + Math.floor(rnd() * 40);
    for (let i = 0; i < len; i++)
      t +=
        rnd() < 0.3 ? words[Math.floor(rnd() * words.length)] : alphabet[Math.floor(rnd() * alphabet.length)];
    out.push(t);
  }
  return out;
}

let pool: Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase(testEndpoints().DATABASE_URL);
  drop = db.drop;
  pool = createPool(db.url, 2, 'search-document-int');
});

afterAll(async () => {
  await pool?.end();
  await drop?.();
});

/** PostgreSQL's document and the service's for each text, as tsvector text. */
async function compare(texts: string[]): Promise<Array<{ text: string; pg: string; own: string }>> {
  const out: Array<{ text: string; pg: string; own: string }> = [];
  for (let i = 0; i < texts.length; i += 500) {
    const batch = texts.slice(i, i + 500);
    const docs = await bodySearchDocuments(pool, batch, 'unicode');
    const { rows } = await pool.query<{ pg: string; own: string }>(
      `SELECT to_tsvector('english', t)::text AS pg, email_search_body(l, r)::text AS own
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(t, l, r, o) ORDER BY o`,
      [batch, docs.map((d) => d.literal), docs.map((d) => d.rest)],
    );
    rows.forEach((r, k) => out.push({ text: batch[k], pg: r.pg, own: r.own }));
  }
  return out;
}

describe('the English stemmer against ts_lexize(english_stem)', () => {
  it('stems every word of the docs, the fixtures and the double-consonant forms as PostgreSQL does', async () => {
    const words = new Set<string>();
    const texts = [
      ...prose(),
      ...readdirSync(MESSAGES).map((f) => readFileSync(join(MESSAGES, f), 'latin1')),
    ];
    for (const t of texts) for (const m of t.toLowerCase().matchAll(/[a-z]+/g)) words.add(m[0]);
    // Step 1b's undoubling, which depends on the stem's length and first letter ("added" is "add").
    for (const start of ['', 'a', 'e', 'i', 'o', 'u', 'b', 'ab', 'str'])
      for (const v of 'aeiou')
        for (const d of 'bdfgmnprt')
          for (const end of ['ed', 'ing', 'edly']) words.add(`${start}${v}${d}${d}${end}`);
    const list = [...words];
    expect(list.length).toBeGreaterThan(3000);
    const { rows } = await pool.query<{ w: string; l: string[] }>(
      `SELECT w, ts_lexize('english_stem', w) AS l FROM unnest($1::text[]) AS w`,
      [list],
    );
    const differ = rows
      .filter((r) => r.l.length > 0 && englishStem(r.w) !== r.l[0])
      .map((r) => `${r.w}: ${r.l[0]}`);
    expect(differ).toEqual([]);
  });
});

describe('the body document against to_tsvector(english)', () => {
  it('equals PostgreSQL for every paragraph of the docs, lexemes and positions', async () => {
    const paragraphs = prose().flatMap((t) => t.split(/\n\s*\n/));
    const results = await compare(paragraphs);
    expect(results.length).toBeGreaterThan(250);
    // Both kinds of chunk are there: paragraphs of plain words alone, and ones with URLs, paths and hyphens.
    expect(results.filter((r) => !/[-/@]/.test(r.text)).length).toBeGreaterThan(10);
    expect(results.filter((r) => /\w[-/@]\w/.test(r.text)).length).toBeGreaterThan(30);
    expect(
      results
        .filter((r) => r.pg !== r.own)
        .map((r) => ({ text: r.text.slice(0, 300), pg: r.pg.slice(0, 300), own: r.own.slice(0, 300) })),
    ).toEqual([]);
  });

  it('equals PostgreSQL for the raw fixture messages and 5,000 seeded texts of mixed scripts and punctuation', async () => {
    const texts = [
      ...readdirSync(MESSAGES).flatMap((f) => {
        const raw = readFileSync(join(MESSAGES, f));
        return [raw.toString('utf8'), raw.toString('latin1')].map((t) => t.replaceAll('\0', ''));
      }),
      ...fuzz(5000),
      // Edge cases: the sentinel word itself, a chunk too long to remember, tags, the start of the text.
      'the x0jmapsentinel0x word and `x0jmapsentinel0x` in quotes',
      `before ${'ab+/'.repeat(600)} after the long chunk`,
      'a <b class="x y"> tag over white space </b> and after',
      '~1 at the start, and ~1 later; <!-- a comment --> then words',
    ];
    const results = await compare(texts);
    const differ = results.filter((r) => r.pg !== r.own);
    expect(
      differ.map((r) => ({ text: r.text.slice(0, 200), pg: r.pg.slice(0, 300), own: r.own.slice(0, 300) })),
    ).toEqual([]);
  });

  it('keeps positions across the parts: a phrase over a hyphenated word with stop words matches', async () => {
    const text = 'Please add the to-do item to the list at https://example.org/a/to before the meeting';
    const [doc] = await bodySearchDocuments(pool, [text], 'unicode');
    expect(doc.rest).toBeNull();
    const { rows } = await pool.query<{ item: boolean; meeting: boolean; wrong: boolean }>(
      `SELECT email_search_body($1, $2) @@ phraseto_tsquery('english', 'add the to-do item') AS item,
              email_search_body($1, $2) @@ phraseto_tsquery('english', 'example.org/a/to before the meeting') AS meeting,
              email_search_body($1, $2) @@ phraseto_tsquery('english', 'to-do list') AS wrong`,
      [doc.literal, doc.rest],
    );
    expect(rows[0]).toEqual({ item: true, meeting: true, wrong: false });
  });
});

describe('the probe and the writer', () => {
  it('finds this database in agreement for both probes', async () => {
    expect(await searchTokenizing(pool)).toBe('unicode');
    const { rows } = await pool.query<{ a: string; u: string }>(
      `SELECT to_tsvector('english', $1::text)::text AS a, to_tsvector('english', $2::text)::text AS u`,
      [ASCII_PROBE, UNICODE_PROBE],
    );
    // The probes hold what they are meant to test: stemmed words, a dropped stop word, lowercased other scripts.
    expect(rows[0].a).toContain("'general':2 ");
    expect(rows[0].a).toContain("'up-to-d':");
    expect(rows[0].a).not.toContain("'the'");
    expect(rows[0].u).toContain("'οδοσ':");
  });

  it('writes the document of the former generated column through insertEmails, whichever the tokenizing', async () => {
    const email = (id: string, textExtract: string): EmailCreatedData =>
      ({
        id,
        threadId: `T${id}`,
        blobId: `B${id}`,
        size: 100,
        receivedAt: '2025-01-01T00:00:00Z',
        sentAt: null,
        messageId: null,
        inReplyTo: null,
        references: null,
        subject: 'Running the quarterly review',
        baseSubject: 'running the quarterly review',
        sender: null,
        from: [{ name: 'Ann Example', email: 'ann@example.org' }],
        to: [{ name: null, email: 'team@example.org' }],
        cc: null,
        bcc: null,
        replyTo: null,
        keywords: [],
        mailboxIds: ['M1'],
        hasAttachment: false,
        preview: '',
        headers: [],
        bodyStructure: { partId: '1', type: 'text/plain', name: 'notes.txt' },
        textBody: ['1'],
        htmlBody: ['1'],
        attachments: [],
        textExtract,
      }) as unknown as EmailCreatedData;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Every tokenizing the probe may choose, and a body whose rest goes to PostgreSQL (a tag over white space).
      for (const mode of ['unicode', 'ascii', 'none'] as const)
        await insertEmails(
          client,
          `A-search-${mode}`,
          [
            email(
              'e1',
              'The report shows steady growth; see https://intranet.example.org/q3 and the follow-up notes.',
            ),
            email('e2', 'Crème brûlée recipes, 3.5 stars — naïve Straße'),
            email('e3', ''),
            email('e4', 'Words to <b class="x y"> bold </b> and after'),
          ],
          mode,
        );
      const { rows } = await client.query<{ account: string; id: string; same: boolean }>(
        `SELECT account_id AS account, id, search = (
              setweight(to_tsvector('english', COALESCE(subject, '')), 'A')
           || setweight(to_tsvector('simple', COALESCE(subject, '')), 'A')
           || setweight(to_tsvector('simple', email_search_addresses(from_) || ' ' || email_search_addresses(to_)
                || ' ' || email_search_addresses(cc) || ' ' || email_search_addresses(bcc)), 'B')
           || setweight(to_tsvector('simple', email_search_part_names(body_structure)), 'C')
           || setweight(to_tsvector('english', email_search_part_names(body_structure)), 'C')
           || setweight(to_tsvector('english', text_extract), 'D')) AS same
           FROM emails WHERE account_id LIKE 'A-search-%' ORDER BY account_id, id`,
      );
      expect(rows).toEqual(
        ['ascii', 'none', 'unicode'].flatMap((mode) =>
          ['e1', 'e2', 'e3', 'e4'].map((id) => ({ account: `A-search-${mode}`, id, same: true })),
        ),
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
