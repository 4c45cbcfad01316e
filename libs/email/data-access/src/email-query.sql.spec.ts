import { describe, expect, it } from 'vitest';
import { listSql, countSql } from './email-query.repository.js';
import {
  Params,
  filterSql,
  likePattern,
  splitSearchText,
  topLevelMailbox,
  type EmailFilter,
} from './email-query.sql.js';
import { markedHtml } from './search-snippet.repository.js';

const spec = (filter: EmailFilter | null, collapseThreads = false) => ({
  accountId: 'A1',
  filter,
  sort: [],
  collapseThreads,
});

describe('Email/query SQL (RFC 8621 4.4)', () => {
  it('splits quoted phrases from plain words; an unterminated quote runs to the end', () => {
    expect(splitSearchText('cafe "blue moon" noon')).toEqual({ words: 'cafe noon', phrases: ['blue moon'] });
    expect(splitSearchText('"open ended')).toEqual({ words: '', phrases: ['open ended'] });
    expect(splitSearchText('""')).toEqual({ words: '', phrases: [] });
  });

  it('escapes LIKE wildcards in substring searches', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('binds every filter value as a parameter, never in the SQL text', () => {
    const p = new Params('A1');
    const evil = "x'); DROP TABLE emails; --";
    const sql = filterSql(p, {
      operator: 'OR',
      conditions: [
        { condition: { text: evil } },
        { condition: { from: evil, header: ['Subject', evil] } },
        { condition: { hasKeyword: evil } },
      ],
    });
    expect(sql).not.toContain('DROP');
    expect(p.values.filter((v) => typeof v === 'string' && v.includes('DROP')).length).toBeGreaterThanOrEqual(
      4,
    );
  });

  it('NOT is "none of the conditions" (RFC 8620 5.5), an empty OR matches nothing, an empty AND everything', () => {
    const p = new Params('A1');
    expect(
      filterSql(p, {
        operator: 'NOT',
        conditions: [{ condition: { hasAttachment: true } }, { condition: { minSize: 5 } }],
      }),
    ).toBe('NOT (e.has_attachment = $2 OR e.size >= $3)');
    expect(filterSql(p, { operator: 'OR', conditions: [] })).toBe('FALSE');
    expect(filterSql(p, { operator: 'AND', conditions: [] })).toBe('TRUE');
  });

  it('reads the mailbox listing (email_mailboxes in receivedAt order) when the top level names one mailbox', () => {
    expect(topLevelMailbox({ condition: { inMailbox: 'M1' } })).toBe('M1');
    expect(
      topLevelMailbox({
        operator: 'AND',
        conditions: [{ condition: { hasKeyword: 'a' } }, { condition: { inMailbox: 'M2' } }],
      }),
    ).toBe('M2');
    expect(topLevelMailbox({ operator: 'OR', conditions: [{ condition: { inMailbox: 'M2' } }] })).toBeNull();
    // The mailbox alone by receivedAt: the listing index answers without the emails table.
    const listing = listSql(spec({ condition: { inMailbox: 'M1' } }), { limit: 50, offset: 0 });
    expect(listing.text).toBe(
      'SELECT m.email_id AS id FROM email_mailboxes m WHERE m.account_id = $1 AND m.mailbox_id = $2 AND TRUE ' +
        'ORDER BY m.received_at DESC NULLS FIRST, m.email_id ASC LIMIT $3 OFFSET $4',
    );
    expect(listing.values).toEqual(['A1', 'M1', 50, 0]);
    expect(countSql(spec({ condition: { inMailbox: 'M1' } })).text).not.toContain('JOIN emails');
    // Anything else of the email, in the filter or the sort, joins the emails table.
    const joined = listSql(spec({ condition: { inMailbox: 'M1', minSize: 10 } }), { limit: 50, offset: 0 });
    expect(joined.text).toContain('FROM email_mailboxes m JOIN emails e');
    expect(joined.text).toContain(
      'ORDER BY m.received_at DESC NULLS FIRST, m.email_id ASC LIMIT $4 OFFSET $5',
    );
    const bySize = listSql(
      {
        ...spec({ condition: { inMailbox: 'M1' } }),
        sort: [{ property: 'size', isAscending: true, collation: null }],
      },
      null,
    );
    expect(bySize.text).toContain('FROM email_mailboxes m JOIN emails e');
    const plain = listSql(spec(null), null);
    expect(plain.text).toBe(
      'SELECT e.id FROM emails e WHERE e.account_id = $1 AND TRUE ORDER BY e.received_at DESC NULLS FIRST, e.id ASC',
    );
  });

  it('searches required text first (a MATERIALIZED CTE) unless told to leave the plan to PostgreSQL', () => {
    const filter: EmailFilter = {
      operator: 'AND',
      conditions: [
        { condition: { inMailbox: 'M1' } },
        { condition: { text: 'moon' } },
        { operator: 'OR', conditions: [{ condition: { body: 'sun' } }] },
      ],
    };
    const first = listSql(spec(filter), null);
    expect(first.text).toMatch(
      /^WITH hits AS MATERIALIZED \(SELECT e\.id FROM emails e WHERE e\.account_id = \$1 AND e\.search @@ /,
    );
    expect(first.text).toContain('FROM hits h JOIN email_mailboxes m');
    // The OR's body condition stays in the WHERE, the top-level text is only in the CTE.
    const main = first.text.slice(first.text.indexOf(') SELECT'));
    expect(main.match(/e\.search @@/g)).toHaveLength(1);
    expect(first.text.match(/e\.search @@/g)).toHaveLength(2);
    const plain = listSql({ ...spec(filter), searchFirst: false }, null);
    expect(plain.text).not.toContain('hits');
    expect(plain.text.match(/e\.search @@/g)).toHaveLength(2);
  });

  it('collapseThreads keeps the first row per thread and counts threads', () => {
    const q = listSql(spec({ condition: { inMailbox: 'M1', hasAttachment: true } }, true), null);
    expect(q.text).toContain('row_number() OVER (PARTITION BY e.thread_id');
    expect(q.text).toContain('WHERE rn = 1');
    expect(countSql(spec(null, true)).text).toContain('count(DISTINCT e.thread_id)');
    // A mailbox's collapsed listing by receivedAt alone walks the listing index with a per-row thread test.
    const listing = listSql(spec({ condition: { inMailbox: 'M1' } }, true), { limit: 50, offset: 0 });
    expect(listing.text).toContain('NOT EXISTS (SELECT 1 FROM email_mailboxes n');
    expect(listing.text).toContain('ORDER BY m.received_at DESC, m.email_id ASC LIMIT $3 OFFSET $4');
    expect(listing.values).toEqual(['A1', 'M1', 50, 0]);
    const other = listSql({ ...spec({ condition: { inMailbox: 'M1', minSize: 1 } }, true), sort: [] }, null);
    expect(other.text).not.toContain('FROM email_mailboxes n');
  });
});

describe('SearchSnippet marks (RFC 8621 5.1)', () => {
  const S = '\uE000';
  const E = '\uE001';
  it('HTML-escapes the text and turns the marks into <mark></mark>', () => {
    expect(markedHtml(`Tom & ${S}Jerry${E} <b>"x"</b>`)).toBe(
      'Tom &amp; <mark>Jerry</mark> &lt;b&gt;&quot;x&quot;&lt;/b&gt;',
    );
  });

  it('is null when nothing is marked', () => {
    expect(markedHtml('no match here')).toBeNull();
    expect(markedHtml(null)).toBeNull();
  });

  it('stays within the byte bound, closing an open mark and never cutting an entity', () => {
    const raw = `${'é'.repeat(100)} ${S}${'word '.repeat(40)}${E}&&&`;
    const out = markedHtml(raw, 255)!;
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(255);
    expect(out.endsWith('</mark>')).toBe(true);
    expect(out).not.toMatch(/&[a-z]*$/);
    const tight = markedHtml(`a & b ${S}c${E}`, 9);
    expect(tight).toBeNull();
  });
});
