/**
 * Email/queryChanges (RFC 8621 4.5, RFC 8620 5.6) through the distributed path: a scripted history (imports,
 * replies that change a thread's keywords and its first email, a mailbox destroyed with onDestroyRemoveEmails,
 * which moves some emails out of it and destroys the others) with an Email/query snapshot of several queries
 * after every step; queryChanges from every earlier state, applied to that state's ids, reproduces the current
 * ids (also with upToId and calculateTotal), and maxChanges below the number of changes is tooManyChanges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  importBlobs,
  ok,
  rfc5322,
  uploadAll,
  type Args,
  type EmailWorld,
  startEmailWorld,
} from '../email/support.js';

let w: EmailWorld;
let project = '';

interface Snapshot {
  step: string;
  results: Array<{ queryState: string; ids: string[] }>;
}
const history: Snapshot[] = [];

/** The queries followed through the history: filters and sorts whose results every kind of change moves. */
const QUERIES: Array<() => Args> = [
  () => ({ filter: { inMailbox: w.roles.inbox } }),
  () => ({ filter: { inMailbox: w.roles.inbox }, collapseThreads: true }),
  () => ({ filter: null, sort: [{ property: 'subject' }, { property: 'receivedAt', isAscending: false }] }),
  () => ({ filter: { text: 'report' }, sort: [{ property: 'size', isAscending: false }] }),
  () => ({ filter: { allInThreadHaveKeyword: '$seen' } }),
  () => ({
    filter: null,
    sort: [{ property: 'someInThreadHaveKeyword', keyword: '$flagged' }, { property: 'receivedAt' }],
  }),
  () => ({ filter: { inMailboxOtherThan: [w.roles.inbox] }, collapseThreads: true }),
  () => ({ filter: { operator: 'NOT', conditions: [{ hasKeyword: '$seen' }] } }),
];

async function snapshot(step: string): Promise<void> {
  const results = [];
  for (const q of QUERIES) {
    const r = await ok(w, 'Email/query', q());
    expect(r.canCalculateChanges).toBe(true);
    results.push({ queryState: r.queryState as string, ids: r.ids as string[] });
  }
  history.push({ step, results });
}

let counter = 0;
async function importInto(
  mailboxIds: string[],
  messages: Array<{ subject: string; body: string; replyTo?: string; keywords?: string[] }>,
) {
  const raws = messages.map((m) =>
    rfc5322({
      id: `qc-${counter++}@changes.example`,
      subject: m.subject,
      body: m.body,
      inReplyTo: m.replyTo,
      references: m.replyTo ? [m.replyTo] : undefined,
    }),
  );
  const ids = raws.map((r) => /Message-ID: <([^>]+)>/.exec(r)![1]);
  const blobIds = await uploadAll(w, raws);
  await importBlobs(w, blobIds, (i) => ({
    mailboxIds: Object.fromEntries(mailboxIds.map((m) => [m, true])),
    keywords: Object.fromEntries((messages[i].keywords ?? []).map((k) => [k, true])),
    receivedAt: new Date(Date.UTC(2025, 0, 1) + counter * 3_600_000 + i * 60_000)
      .toISOString()
      .replace('.000', ''),
  }));
  return ids;
}

/** Applies a queryChanges answer to the old ids (RFC 8620 5.6: remove, then insert at the indexes in order). */
function apply(old: string[], removed: string[], added: Array<{ id: string; index: number }>): string[] {
  const gone = new Set(removed);
  const out = old.filter((id) => !gone.has(id));
  for (const a of [...added].sort((x, y) => x.index - y.index)) out.splice(a.index, 0, a.id);
  return out;
}

beforeAll(async () => {
  w = await startEmailWorld('query-changes@example.com');
  await snapshot('empty');
  const [root] = await importInto(
    [w.roles.inbox],
    [
      { subject: 'Quarterly report', body: 'First draft of the report.', keywords: ['$seen'] },
      { subject: 'Holiday', body: 'Out next week.', keywords: ['$seen', '$flagged'] },
      { subject: 'Invoice 42', body: 'Please pay.' },
    ],
  );
  await snapshot('three emails');
  await importInto(
    [w.roles.inbox],
    [{ subject: 'Re: Quarterly report', body: 'Reported numbers look right.', replyTo: root }],
  );
  await snapshot('unread reply joins a read thread');
  const box = await ok(w, 'Mailbox/set', { create: { p: { name: 'Project' } } });
  project = (box.created as Record<string, { id: string }>).p.id;
  await importInto(
    [project],
    [
      { subject: 'Project report', body: 'Status report.', keywords: ['$flagged'] },
      { subject: 'Alpha', body: 'Only in the project.' },
    ],
  );
  await importInto(
    [w.roles.inbox, project],
    [
      {
        subject: 'Re: Quarterly report',
        body: 'Both places, report attached.',
        replyTo: root,
        keywords: ['$seen'],
      },
    ],
  );
  await snapshot('project mailbox');
  await ok(w, 'Mailbox/set', { destroy: [project], onDestroyRemoveEmails: true });
  await snapshot('project destroyed with its emails');
  await importInto([w.roles.inbox], [{ subject: 'After', body: 'A report after all that.' }]);
  await snapshot('one more');
}, 240_000);

afterAll(async () => {
  await w?.stack.stop();
});

describe('Email/queryChanges (RFC 8621 4.5, RFC 8620 5.6)', () => {
  it('the history changed every query at least once', () => {
    const last = history[history.length - 1];
    QUERIES.forEach((_, q) => {
      const distinct = new Set(history.map((s) => JSON.stringify(s.results[q].ids)));
      expect(distinct.size, `query ${q}`).toBeGreaterThan(1);
      expect(last.results[q].queryState).toBe(last.results[0].queryState);
    });
  });

  it('from every earlier state, removed and added turn the old results into the current ones', async () => {
    const current = history[history.length - 1];
    for (const snap of history) {
      for (const [q, make] of QUERIES.entries()) {
        const r = await ok(w, 'Email/queryChanges', {
          ...make(),
          sinceQueryState: snap.results[q].queryState,
          calculateTotal: true,
        });
        expect(r.oldQueryState).toBe(snap.results[q].queryState);
        expect(r.newQueryState).toBe(current.results[q].queryState);
        expect(r.total).toBe(current.results[q].ids.length);
        const got = apply(
          snap.results[q].ids,
          r.removed as string[],
          r.added as Array<{ id: string; index: number }>,
        );
        expect(got, `query ${q} from "${snap.step}"`).toEqual(current.results[q].ids);
      }
    }
  });

  it('upToId: the results up to that id are reproduced, later additions are left out', async () => {
    const current = history[history.length - 1];
    for (const snap of history.slice(0, -1)) {
      const [q, make] = [0, QUERIES[0]];
      const ids = current.results[q].ids;
      const upTo = ids[1];
      const r = await ok(w, 'Email/queryChanges', {
        ...make(),
        sinceQueryState: snap.results[q].queryState,
        upToId: upTo,
      });
      for (const a of r.added as Array<{ index: number }>) expect(a.index).toBeLessThanOrEqual(1);
      const got = apply(
        snap.results[q].ids,
        r.removed as string[],
        r.added as Array<{ id: string; index: number }>,
      );
      expect(got.slice(0, 2), `from "${snap.step}"`).toEqual(ids.slice(0, 2));
    }
  });

  it('maxChanges below the number of changes is tooManyChanges; the current state has none', async () => {
    const first = history[0].results[0];
    const [name, err] = await call(w, 'Email/queryChanges', {
      ...QUERIES[0](),
      sinceQueryState: first.queryState,
      maxChanges: 1,
    });
    expect([name, err.type]).toEqual(['error', 'tooManyChanges']);
    const now = history[history.length - 1].results[0];
    const r = await ok(w, 'Email/queryChanges', {
      ...QUERIES[0](),
      sinceQueryState: now.queryState,
      maxChanges: 1,
    });
    expect([r.removed, r.added]).toEqual([[], []]);
  });

  it('a state this server did not issue is cannotCalculateChanges', async () => {
    for (const state of ['not-a-state', '999999', '3:Mabc']) {
      const [name, err] = await call(w, 'Email/queryChanges', { ...QUERIES[0](), sinceQueryState: state });
      expect([name, err.type], state).toEqual(['error', 'cannotCalculateChanges']);
    }
  });

  it('validates the filter and sort as Email/query does', async () => {
    const [name, err] = await call(w, 'Email/queryChanges', { filter: { nope: true }, sinceQueryState: '0' });
    expect([name, err.type]).toEqual(['error', 'unsupportedFilter']);
  });
});
