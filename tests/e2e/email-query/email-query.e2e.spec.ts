/**
 * Email/query and SearchSnippet/get through the distributed path (HTTP → gateway → Postgres read model written by
 * the email service): every FilterCondition of RFC 8621 4.4.1, the operators AND/OR/NOT, every sort of 4.4.2 with
 * the collations of RFC 8620 5.5, collapseThreads (4.4.3), the window arguments of RFC 8620 5.5, full-text search
 * with stemming and phrases, and SearchSnippet/get (RFC 8621 5.1), against the scripted mailbox of corpus.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USING, call, ok, type Args, type EmailWorld, startEmailWorld, uploadAll } from '../email/support.js';
import { CORPUS, rawMessage } from './corpus.js';

let w: EmailWorld;
let projects: string;
/** Email id by corpus name, and back. */
const id: Record<string, string> = {};
const nameOf: Record<string, string> = {};
const size: Record<string, number> = {};

beforeAll(async () => {
  w = await startEmailWorld('query@example.com');
  const box = await ok(w, 'Mailbox/set', { create: { p: { name: 'Projects' } } });
  projects = (box.created as Record<string, { id: string }>).p.id;
  const names = Object.keys(CORPUS);
  const blobIds = await uploadAll(
    w,
    names.map((n) => rawMessage(n, CORPUS[n])),
  );
  // One import per message, in order, so that replies find their parents' threads.
  for (const [i, n] of names.entries()) {
    const m = CORPUS[n];
    const r = await ok(w, 'Email/import', {
      emails: {
        x: {
          blobId: blobIds[i],
          mailboxIds: Object.fromEntries(
            m.mailboxes.map((b) => [b === 'inbox' ? w.roles.inbox : projects, true]),
          ),
          keywords: Object.fromEntries(m.keywords.map((k) => [k, true])),
          receivedAt: m.receivedAt,
        },
      },
    });
    expect(r.notCreated, JSON.stringify(r.notCreated)).toBeNull();
    const created = (r.created as Record<string, { id: string; size: number }>).x;
    id[n] = created.id;
    nameOf[created.id] = n;
    size[n] = created.size;
  }
}, 240_000);

afterAll(async () => {
  await w?.stack.stop();
});

/** Email/query; returns the names of the ids (and the whole response). */
async function query(args: Args): Promise<{ names: string[]; r: Args }> {
  const r = await ok(w, 'Email/query', args);
  return { names: (r.ids as string[]).map((i) => nameOf[i] ?? i), r };
}
const names = async (filter: Args | null, extra: Args = {}) => (await query({ filter, ...extra })).names;
const set = async (filter: Args) => new Set(await names(filter, { sort: [{ property: 'receivedAt' }] }));
const S = (...ns: string[]) => new Set(ns);

describe('Email/query filters (RFC 8621 4.4.1)', () => {
  it('inMailbox lists the mailbox, newest first by default', async () => {
    expect(await names({ inMailbox: w.roles.inbox })).toEqual([
      'lunch2',
      'lives',
      'ecole',
      'lunch',
      'q1',
      'q0',
    ]);
    expect(await names({ inMailbox: projects })).toEqual(['ecole', 'green']);
  });

  it('inMailboxOtherThan: in at least one mailbox not in the list', async () => {
    expect(await set({ inMailboxOtherThan: [w.roles.inbox] })).toEqual(S('green', 'ecole'));
    expect(await set({ inMailboxOtherThan: [w.roles.inbox, projects] })).toEqual(S());
  });

  it('before is strictly before, after is the same or after (receivedAt)', async () => {
    expect(await set({ before: '2025-01-03T10:00:00Z' })).toEqual(S('q0', 'q1'));
    expect(await set({ after: '2025-01-06T10:00:00Z' })).toEqual(S('lives', 'lunch2'));
    expect(await set({ after: '2025-01-02T00:00:00Z', before: '2025-01-04T00:00:00Z' })).toEqual(
      S('q1', 'lunch'),
    );
  });

  it('minSize is at least, maxSize is less than', async () => {
    const all = Object.keys(CORPUS);
    const pivot = size.lunch;
    expect(await set({ minSize: pivot })).toEqual(new Set(all.filter((n) => size[n] >= pivot)));
    expect(await set({ maxSize: pivot })).toEqual(new Set(all.filter((n) => size[n] < pivot)));
    expect(await set({ minSize: size.lives + 1 })).toEqual(S());
  });

  it('hasKeyword / notKeyword, case-insensitively', async () => {
    expect(await set({ hasKeyword: '$flagged' })).toEqual(S('q1', 'green'));
    expect(await set({ hasKeyword: 'WORK' })).toEqual(S('lives'));
    expect(await set({ notKeyword: '$seen' })).toEqual(S('lunch', 'green', 'ecole', 'lives'));
  });

  it('allInThreadHaveKeyword / someInThreadHaveKeyword / noneInThreadHaveKeyword look at the whole thread', async () => {
    expect(await set({ allInThreadHaveKeyword: '$seen' })).toEqual(S('q0', 'q1'));
    expect(await set({ someInThreadHaveKeyword: '$seen' })).toEqual(S('q0', 'q1', 'lunch', 'lunch2'));
    expect(await set({ noneInThreadHaveKeyword: '$seen' })).toEqual(S('green', 'ecole', 'lives'));
    expect(await set({ someInThreadHaveKeyword: '$flagged' })).toEqual(S('q0', 'q1', 'green'));
  });

  it('hasAttachment', async () => {
    expect(await set({ hasAttachment: true })).toEqual(S('q0'));
    expect((await set({ hasAttachment: false })).size).toBe(6);
  });

  it('from / to / cc / bcc match names and addresses', async () => {
    expect(await set({ from: 'alice' })).toEqual(S('q0', 'lives'));
    expect(await set({ from: 'carol@example.net' })).toEqual(S('q1', 'lunch2'));
    expect(await set({ to: 'Alice' })).toEqual(S('q1'));
    expect(await set({ to: 'bob' })).toEqual(S('q0', 'ecole', 'lunch2'));
    expect(await set({ cc: 'dave' })).toEqual(S('q1'));
    expect(await set({ bcc: 'eve@example.com' })).toEqual(S('lunch'));
    expect(await set({ bcc: 'dave' })).toEqual(S());
  });

  it('subject and body look only in their field; text everywhere (addresses, attachment names too)', async () => {
    expect(await set({ subject: 'quarterly' })).toEqual(S('q0', 'q1'));
    expect(await set({ body: 'quarterly' })).toEqual(S('lunch'));
    expect(await set({ text: 'quarterly' })).toEqual(S('q0', 'q1', 'lunch'));
    expect(await set({ text: 'budget' })).toEqual(S('q0'));
    expect(await set({ text: 'dave' })).toEqual(S('q1'));
    expect(await set({ text: 'emile@example.fr' })).toEqual(S('ecole'));
  });

  it('text search is stemmed: "running" finds "run" and "running", "bottle" finds "bottles"', async () => {
    expect(await set({ text: 'running' })).toEqual(S('q0', 'q1'));
    expect(await set({ body: 'runs' })).toEqual(S('q0', 'q1'));
    expect(await set({ subject: 'bottle' })).toEqual(S('green'));
    expect(await set({ text: 'école' })).toEqual(S('ecole'));
  });

  it('quoted text is an exact phrase; unquoted words may be anywhere', async () => {
    expect(await set({ text: '"blue moon"' })).toEqual(S('green'));
    expect(await set({ text: 'blue moon' })).toEqual(S('green', 'ecole'));
    expect(await set({ text: '"moon rising"' })).toEqual(S('green'));
    expect(await set({ text: 'cafe "blue moon"' })).toEqual(S());
  });

  it('header: by name alone, or with text in the value', async () => {
    expect(await set({ header: ['x-priority'] })).toEqual(S('ecole'));
    expect(await set({ header: ['X-Priority', 'highest'] })).toEqual(S('ecole'));
    expect(await set({ header: ['X-Priority', '5'] })).toEqual(S());
    expect(await set({ header: ['In-Reply-To'] })).toEqual(S('q1', 'lunch2'));
  });

  it('operators AND, OR, NOT nest (RFC 8620 5.5: NOT = none of the conditions)', async () => {
    expect(
      await set({ operator: 'AND', conditions: [{ inMailbox: w.roles.inbox }, { hasKeyword: '$seen' }] }),
    ).toEqual(S('q0', 'q1', 'lunch2'));
    expect(await set({ operator: 'OR', conditions: [{ from: 'zed' }, { hasAttachment: true }] })).toEqual(
      S('green', 'q0'),
    );
    expect(
      await set({ operator: 'NOT', conditions: [{ inMailbox: w.roles.inbox }, { hasKeyword: '$flagged' }] }),
    ).toEqual(S());
    expect(await set({ operator: 'NOT', conditions: [{ hasKeyword: '$seen' }, { text: 'moon' }] })).toEqual(
      S('lunch', 'lives'),
    );
    expect(
      await set({
        operator: 'AND',
        conditions: [
          { inMailbox: w.roles.inbox },
          {
            operator: 'OR',
            conditions: [
              { text: 'lunch' },
              { operator: 'NOT', conditions: [{ after: '2025-01-02T00:00:00Z' }] },
            ],
          },
        ],
      }),
    ).toEqual(S('lunch', 'lunch2', 'q0'));
    expect(await set({ operator: 'AND', conditions: [] })).toEqual(new Set(Object.keys(CORPUS)));
  });

  it('a condition with several properties needs all of them', async () => {
    expect(await set({ inMailbox: w.roles.inbox, from: 'alice', hasKeyword: '$seen' })).toEqual(S('q0'));
  });
});

describe('Email/query sorts (RFC 8621 4.4.2, RFC 8620 5.5 collations)', () => {
  const inbox = () => ({ inMailbox: w.roles.inbox });
  const sorted = (sort: Args[], filter: Args | null = inbox()) => names(filter, { sort });

  it('receivedAt ascending and descending', async () => {
    expect(await sorted([{ property: 'receivedAt', isAscending: true }])).toEqual([
      'q0',
      'q1',
      'lunch',
      'ecole',
      'lives',
      'lunch2',
    ]);
    expect(await sorted([{ property: 'receivedAt', isAscending: false }])).toEqual([
      'lunch2',
      'lives',
      'ecole',
      'lunch',
      'q1',
      'q0',
    ]);
  });

  it('size, then id for ties', async () => {
    const expected = ['q0', 'q1', 'lunch', 'ecole', 'lives', 'lunch2'].sort(
      (a, b) => size[a] - size[b] || (id[a] < id[b] ? -1 : 1),
    );
    expect(await sorted([{ property: 'size' }])).toEqual(expected);
    expect(await sorted([{ property: 'size', isAscending: false }])).toEqual(
      [...expected].sort((a, b) => size[b] - size[a] || (id[a] < id[b] ? -1 : 1)),
    );
  });

  it('sentAt (the Date header field, not receivedAt)', async () => {
    expect(await sorted([{ property: 'sentAt', isAscending: true }], null)).toEqual([
      'q0',
      'q1',
      'lunch',
      'green',
      'ecole',
      'lives',
      'lunch2',
    ]);
  });

  it('from: the name, else the email, of the first address, under each collation', async () => {
    // names: "Alice Smith" (q0, lives), "Carol" (q1, lunch2), "bob" (lunch), "zed@example.com" (green), "Émile" (ecole)
    // i;unicode-casemap: "Émile" decomposes to "e" + U+0301 and sorts among the e's, before "zed".
    expect(
      await sorted([{ property: 'from', collation: 'i;unicode-casemap' }, { property: 'receivedAt' }], null),
    ).toEqual(['q0', 'lives', 'lunch', 'q1', 'lunch2', 'ecole', 'green']);
    // Without a collation the default is i;unicode-casemap.
    expect(await sorted([{ property: 'from' }, { property: 'receivedAt' }], null)).toEqual([
      'q0',
      'lives',
      'lunch',
      'q1',
      'lunch2',
      'ecole',
      'green',
    ]);
    const ascii = await sorted(
      [{ property: 'from', collation: 'i;ascii-casemap' }, { property: 'receivedAt' }],
      inbox(),
    );
    expect(ascii).toEqual(['q0', 'lives', 'lunch', 'q1', 'lunch2', 'ecole']);
    const octet = await sorted(
      [{ property: 'from', collation: 'i;octet' }, { property: 'receivedAt' }],
      inbox(),
    );
    expect(octet).toEqual(['q0', 'lives', 'q1', 'lunch2', 'lunch', 'ecole']);
    const desc = await sorted(
      [{ property: 'from', isAscending: false, collation: 'i;ascii-casemap' }, { property: 'receivedAt' }],
      inbox(),
    );
    expect(desc).toEqual(['ecole', 'q1', 'lunch2', 'lunch', 'q0', 'lives']);
  });

  it('to: the first recipient', async () => {
    // to: Bob (q0, ecole), Alice Smith (q1), Carol (lunch), Zoe (lives), bob (lunch2)
    expect(
      await sorted([{ property: 'to', collation: 'i;ascii-casemap' }, { property: 'receivedAt' }]),
    ).toEqual(['q1', 'q0', 'ecole', 'lunch2', 'lunch', 'lives']);
  });

  it('subject: the base subject ("Re:" removed); i;ascii-numeric orders leading numbers numerically', async () => {
    expect(
      await sorted([{ property: 'subject', collation: 'i;ascii-casemap' }, { property: 'receivedAt' }]),
    ).toEqual(['lives', 'lunch', 'lunch2', 'q0', 'q1', 'ecole']);
    const numeric = await sorted(
      [{ property: 'subject', collation: 'i;ascii-numeric' }, { property: 'receivedAt' }],
      null,
    );
    expect(numeric.slice(0, 2)).toEqual(['lives', 'green']);
    const octet = await sorted([{ property: 'subject', collation: 'i;octet' }], null);
    expect(octet.slice(0, 2)).toEqual(['green', 'lives']);
  });

  it('hasKeyword, allInThreadHaveKeyword, someInThreadHaveKeyword (false before true ascending)', async () => {
    expect(
      await sorted([
        { property: 'hasKeyword', keyword: '$seen', isAscending: false },
        { property: 'receivedAt' },
      ]),
    ).toEqual(['q0', 'q1', 'lunch2', 'lunch', 'ecole', 'lives']);
    expect(
      await sorted([
        { property: 'allInThreadHaveKeyword', keyword: '$seen', isAscending: false },
        { property: 'receivedAt' },
      ]),
    ).toEqual(['q0', 'q1', 'lunch', 'ecole', 'lives', 'lunch2']);
    expect(
      await sorted([{ property: 'someInThreadHaveKeyword', keyword: '$SEEN' }, { property: 'receivedAt' }]),
    ).toEqual(['ecole', 'lives', 'q0', 'q1', 'lunch', 'lunch2']);
  });

  it('the session lists every supported sort in emailQuerySortOptions', async () => {
    const session = await w.client.session();
    const accounts = session.body.accounts as Record<string, { accountCapabilities: Record<string, Args> }>;
    const mail = accounts[w.accountId].accountCapabilities['urn:ietf:params:jmap:mail'];
    expect(new Set(mail.emailQuerySortOptions as string[])).toEqual(
      S(
        'receivedAt',
        'sentAt',
        'size',
        'from',
        'to',
        'subject',
        'hasKeyword',
        'allInThreadHaveKeyword',
        'someInThreadHaveKeyword',
      ),
    );
  });
});

describe('collapseThreads and the window (RFC 8621 4.4.3, RFC 8620 5.5)', () => {
  const inbox = () => ({ inMailbox: w.roles.inbox });

  it('collapseThreads keeps the first email of each thread in sort order', async () => {
    expect(await names(inbox(), { collapseThreads: true })).toEqual(['lunch2', 'lives', 'ecole', 'q1']);
    expect(
      await names(inbox(), { collapseThreads: true, sort: [{ property: 'receivedAt', isAscending: true }] }),
    ).toEqual(['q0', 'lunch', 'ecole', 'lives']);
    const r = (await query({ filter: inbox(), collapseThreads: true, calculateTotal: true })).r;
    expect(r.total).toBe(4);
  });

  it('position and limit page; calculateTotal gives the total', async () => {
    const { names: page, r } = await query({ filter: inbox(), position: 2, limit: 2, calculateTotal: true });
    expect(page).toEqual(['ecole', 'lunch']);
    expect(r.position).toBe(2);
    expect(r.total).toBe(6);
    expect(r.canCalculateChanges).toBe(true);
    const past = await query({ filter: inbox(), position: 10, limit: 2 });
    expect(past.names).toEqual([]);
    expect(past.r.total).toBeUndefined();
  });

  it('a negative position counts from the end, clamped at 0', async () => {
    const { names: page, r } = await query({ filter: inbox(), position: -2 });
    expect(page).toEqual(['q1', 'q0']);
    expect(r.position).toBe(4);
    const all = await query({ filter: inbox(), position: -100, limit: 1 });
    expect(all.names).toEqual(['lunch2']);
    expect(all.r.position).toBe(0);
  });

  it('anchor and anchorOffset select around an id; an anchor not in the results is anchorNotFound', async () => {
    const a = await query({ filter: inbox(), anchor: id.ecole, anchorOffset: -1, limit: 2 });
    expect(a.names).toEqual(['lives', 'ecole']);
    expect(a.r.position).toBe(1);
    const b = await query({ filter: inbox(), anchor: id.lunch2, anchorOffset: -5, limit: 1 });
    expect(b.r.position).toBe(0);
    const c = await query({ filter: inbox(), anchor: id.q1, anchorOffset: 1 });
    expect(c.names).toEqual(['q0']);
    const [name, err] = await call(w, 'Email/query', { filter: inbox(), anchor: id.green });
    expect([name, err.type]).toEqual(['error', 'anchorNotFound']);
  });

  it('a limit above the maximum is clamped and returned', async () => {
    const r = (await query({ filter: inbox(), limit: 1_000_000 })).r;
    expect(typeof r.limit).toBe('number');
    expect(r.ids).toHaveLength(6);
  });
});

describe('Email/query errors (RFC 8620 5.5)', () => {
  const errorOf = async (args: Args) => {
    const [name, r] = await call(w, 'Email/query', args);
    expect(name).toBe('error');
    return r.type;
  };

  it('unsupportedFilter for an unknown condition or operator, invalidArguments for a wrong value', async () => {
    expect(await errorOf({ filter: { inThread: 'x' } })).toBe('unsupportedFilter');
    expect(await errorOf({ filter: { operator: 'XOR', conditions: [] } })).toBe('unsupportedFilter');
    expect(await errorOf({ filter: { minSize: -1 } })).toBe('invalidArguments');
    expect(await errorOf({ filter: { before: 'yesterday' } })).toBe('invalidArguments');
    expect(await errorOf({ filter: { hasKeyword: 'bad keyword' } })).toBe('invalidArguments');
    expect(await errorOf({ filter: { header: [] } })).toBe('invalidArguments');
  });

  it('unsupportedSort for an unknown property or collation; a keyword sort without keyword is invalidArguments', async () => {
    expect(await errorOf({ sort: [{ property: 'threadSize' }] })).toBe('unsupportedSort');
    expect(await errorOf({ sort: [{ property: 'subject', collation: 'i;klingon' }] })).toBe(
      'unsupportedSort',
    );
    expect(await errorOf({ sort: [{ property: 'hasKeyword' }] })).toBe('invalidArguments');
  });
});

describe('SearchSnippet/get (RFC 8621 5.1)', () => {
  const snippets = async (filter: Args | null, ids: string[]) =>
    ok(w, 'SearchSnippet/get', { filter, emailIds: ids });

  it('marks the stemmed matches in the body preview; subject null when it does not match', async () => {
    const r = await snippets({ text: 'running' }, [id.q0, id.q1]);
    const [a, b] = r.list as Array<{ emailId: string; subject: string | null; preview: string | null }>;
    expect(a.emailId).toBe(id.q0);
    expect(a.subject).toBeNull();
    expect(a.preview).toContain('<mark>running</mark>');
    expect(b.preview).toContain('<mark>run</mark>');
    expect(r.notFound).toEqual([]);
  });

  it('marks the subject for subject and text conditions, HTML-escaped', async () => {
    const r = await snippets(
      { operator: 'AND', conditions: [{ subject: 'quarterly' }, { inMailbox: w.roles.inbox }] },
      [id.q1],
    );
    expect((r.list as Args[])[0]).toEqual({
      emailId: id.q1,
      subject: 'Re: <mark>Quarterly</mark> report',
      preview: null,
    });
    const esc = await snippets({ body: 'agenda' }, [id.lunch]);
    const preview = (esc.list as Args[])[0].preview as string;
    expect(preview).toContain('&amp; the &lt;draft&gt; <mark>agenda</mark>');
    expect((esc.list as Args[])[0].subject).toBeNull();
  });

  it('keeps the preview within 255 octets', async () => {
    const r = await snippets({ text: 'cats' }, [id.lives]);
    const preview = (r.list as Args[])[0].preview as string;
    expect(preview).toMatch(/<mark>cats<\/mark>/i);
    expect(Buffer.byteLength(preview)).toBeLessThanOrEqual(255);
  });

  it('answers null snippets without text conditions and notFound for unknown ids', async () => {
    const r = await snippets({ hasKeyword: '$seen' }, [id.q0, 'Mnosuchemail']);
    expect(r.list).toEqual([{ emailId: id.q0, subject: null, preview: null }]);
    expect(r.notFound).toEqual(['Mnosuchemail']);
    const [name, err] = await call(w, 'SearchSnippet/get', { filter: { bogus: 1 }, emailIds: [id.q0] });
    expect([name, err.type]).toEqual(['error', 'unsupportedFilter']);
  });
});

describe('read-your-writes (DESIGN.md invariant 4)', () => {
  it('sees an email imported earlier in the same request (read-your-writes)', async () => {
    const [blobId] = await uploadAll(w, [
      rawMessage('ryw', { ...CORPUS.lives, subject: 'Read your writes', mailboxes: ['projects'] }),
    ]);
    const res = await w.client.api(USING, [
      [
        'Email/import',
        {
          accountId: w.accountId,
          emails: { n: { blobId, mailboxIds: { [projects]: true }, receivedAt: '2030-01-01T00:00:00Z' } },
        },
        'i',
      ],
      ['Email/query', { accountId: w.accountId, filter: { inMailbox: projects, subject: 'writes' } }, 'q'],
    ]);
    const [[, imported], [, queried]] = res.body.methodResponses as Array<[string, Args, string]>;
    const created = (imported.created as Record<string, { id: string }>).n.id;
    expect(queried.ids).toEqual([created]);
  });
});
