/**
 * Email/query and Email/queryChanges after Email/set changes keywords and mailboxes and destroys emails
 * (RFC 8621 4.4, 4.5, 4.6): filters and sorts on keywords, mailboxes and threads follow the change at once
 * (read-your-writes in the same request), and queryChanges from every earlier state reproduces the current
 * results (RFC 8620 5.6), for queries whose results another email of the thread moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  USING,
  importBlobs,
  ok,
  rfc5322,
  uploadAll,
  type Args,
  type EmailWorld,
  startEmailWorld,
} from '../email/support.js';

let w: EmailWorld;
let archive = '';
const id: Record<string, string> = {};
const history: Array<{ step: string; results: Array<{ queryState: string; ids: string[] }> }> = [];

const QUERIES: Array<() => Args> = [
  () => ({ filter: { hasKeyword: '$flagged' } }),
  () => ({ filter: { notKeyword: '$seen' }, sort: [{ property: 'receivedAt', isAscending: true }] }),
  () => ({ filter: { allInThreadHaveKeyword: '$seen' } }),
  () => ({ filter: { noneInThreadHaveKeyword: '$flagged' } }),
  () => ({ filter: null, sort: [{ property: 'hasKeyword', keyword: '$seen' }, { property: 'receivedAt' }] }),
  () => ({
    filter: null,
    sort: [
      { property: 'allInThreadHaveKeyword', keyword: '$seen', isAscending: false },
      { property: 'receivedAt' },
    ],
  }),
  () => ({ filter: { inMailbox: w.roles.inbox }, collapseThreads: true }),
  () => ({ filter: { inMailbox: archive }, sort: [{ property: 'receivedAt', isAscending: true }] }),
  () => ({
    filter: { inMailboxOtherThan: [w.roles.inbox] },
    collapseThreads: true,
    sort: [{ property: 'size' }],
  }),
];

async function results(): Promise<Array<{ queryState: string; ids: string[] }>> {
  const out = [];
  for (const q of QUERIES) {
    const r = await ok(w, 'Email/query', q());
    out.push({ queryState: r.queryState as string, ids: r.ids as string[] });
  }
  return out;
}

async function set(step: string, args: Args): Promise<void> {
  const r = await ok(w, 'Email/set', args);
  expect(r.notUpdated ?? null, JSON.stringify(r)).toBeNull();
  expect(r.notDestroyed ?? null, JSON.stringify(r)).toBeNull();
  history.push({ step, results: await results() });
}

function apply(old: string[], removed: string[], added: Array<{ id: string; index: number }>): string[] {
  const gone = new Set(removed);
  const out = old.filter((x) => !gone.has(x));
  for (const a of [...added].sort((x, y) => x.index - y.index)) out.splice(a.index, 0, a.id);
  return out;
}

beforeAll(async () => {
  w = await startEmailWorld('query-set@example.com');
  archive = w.roles.archive;
  const names = ['root', 'reply', 'alone', 'other'];
  const raws = [
    rfc5322({ id: 'root@set.example', subject: 'Plan' }),
    rfc5322({
      id: 'reply@set.example',
      subject: 'Re: Plan',
      inReplyTo: 'root@set.example',
      references: ['root@set.example'],
    }),
    rfc5322({ id: 'alone@set.example', subject: 'Alone' }),
    rfc5322({ id: 'other@set.example', subject: 'Other' }),
  ];
  const blobIds = await uploadAll(w, raws);
  for (const [i, n] of names.entries()) {
    const [created] = await importBlobs(w, [blobIds[i]], () => ({
      keywords: n === 'reply' ? {} : { $seen: true },
      receivedAt: `2025-02-0${i + 1}T10:00:00Z`,
    }));
    id[n] = created.id;
  }
  history.push({ step: 'imported', results: await results() });
  await set('reply read', { update: { [id.reply]: { 'keywords/$seen': true } } });
  await set('root flagged', { update: { [id.root]: { 'keywords/$flagged': true } } });
  await set('alone to archive', { update: { [id.alone]: { mailboxIds: { [archive]: true } } } });
  await set('root unread, other in both', {
    update: { [id.root]: { 'keywords/$seen': null }, [id.other]: { [`mailboxIds/${archive}`]: true } },
  });
  await set('reply destroyed', { destroy: [id.reply] });
}, 240_000);

afterAll(async () => {
  await w?.stack.stop();
});

describe('Email/query after Email/set (RFC 8621 4.4, 4.6)', () => {
  it('filters and sorts follow keyword and mailbox changes', () => {
    const at = (step: string) => history.find((h) => h.step === step)!.results;
    expect(at('imported')[2].ids.sort()).toEqual([id.alone, id.other].sort());
    expect(at('reply read')[2].ids.sort()).toEqual([id.root, id.reply, id.alone, id.other].sort());
    expect(at('root flagged')[0].ids).toEqual([id.root]);
    expect(at('root flagged')[3].ids.sort()).toEqual([id.alone, id.other].sort());
    expect(at('alone to archive')[7].ids).toEqual([id.alone]);
    expect(at('root unread, other in both')[7].ids).toEqual([id.alone, id.other]);
    expect(at('root unread, other in both')[1].ids).toEqual([id.root]);
    expect(at('reply destroyed')[6].ids).toEqual([id.other, id.root]);
  });

  it('sees an Email/set earlier in the same request', async () => {
    const res = await w.client.api(USING, [
      ['Email/set', { accountId: w.accountId, update: { [id.other]: { 'keywords/$flagged': true } } }, 's'],
      [
        'Email/query',
        {
          accountId: w.accountId,
          filter: { hasKeyword: '$flagged' },
          sort: [{ property: 'receivedAt', isAscending: true }],
        },
        'q',
      ],
    ]);
    const [, queried] = res.body.methodResponses[1] as [string, Args, string];
    expect(queried.ids).toEqual([id.root, id.other]);
    await set('other flagged', { update: { [id.other]: { 'keywords/$flagged': null } } });
  });

  it('queryChanges from every earlier state reproduces the current results (RFC 8620 5.6)', async () => {
    const current = history[history.length - 1].results;
    for (const snap of history) {
      for (const [q, make] of QUERIES.entries()) {
        const r = await ok(w, 'Email/queryChanges', {
          ...make(),
          sinceQueryState: snap.results[q].queryState,
          calculateTotal: true,
        });
        expect(r.newQueryState).toBe(current[q].queryState);
        expect(r.total).toBe(current[q].ids.length);
        const got = apply(
          snap.results[q].ids,
          r.removed as string[],
          r.added as Array<{ id: string; index: number }>,
        );
        expect(got, `query ${q} from "${snap.step}"`).toEqual(current[q].ids);
      }
    }
  });
});
