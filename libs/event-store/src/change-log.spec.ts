import type { Queryable } from '@jmap/platform';
import { describe, expect, it } from 'vitest';
import { ChangeRecorder, type ChangeKind } from './change-log.js';

interface Written {
  account: string;
  type: string;
  modseq: number;
  objectId: string;
  kind: ChangeKind;
  props: string[] | null;
}

/** A query sink standing in for the transaction: decodes the rows flush() sends (no server involved). */
function sink() {
  const batches: Written[][] = [];
  const db = {
    query: async (_sql: string, params: unknown[]) => {
      const [a, t, m, o, k, p] = params as [
        string[],
        string[],
        number[],
        string[],
        ChangeKind[],
        (string | null)[],
      ];
      batches.push(
        a.map((account, i) => ({
          account,
          type: t[i],
          modseq: m[i],
          objectId: o[i],
          kind: k[i],
          props: p[i] === null ? null : (JSON.parse(p[i]!) as string[]),
        })),
      );
      return { rows: [] };
    },
  };
  return { db: db as unknown as Queryable, batches };
}

async function merged(
  ...records: Array<[ChangeKind, string[] | null]>
): Promise<Pick<Written, 'kind' | 'props'>> {
  const { db, batches } = sink();
  const rec = new ChangeRecorder('acct', 7);
  for (const [kind, props] of records) rec.record('Email', 'E1', kind, props);
  await rec.flush(db);
  expect(batches).toHaveLength(1);
  expect(batches[0]).toHaveLength(1);
  return { kind: batches[0][0].kind, props: batches[0][0].props };
}

describe('ChangeRecorder', () => {
  it('merges the changes of one object at one modseq into one row', async () => {
    // RFC 8620 section 5.2 (/changes): an object appears once per state, as created, updated or destroyed.
    expect(await merged(['c', null], ['u', ['keywords']])).toEqual({ kind: 'c', props: null });
    expect(await merged(['c', null], ['d', null])).toEqual({ kind: 'd', props: null });
    expect(await merged(['u', ['keywords']], ['d', null])).toEqual({ kind: 'd', props: null });
    expect(await merged(['d', null], ['u', ['keywords']])).toEqual({ kind: 'd', props: null });
    expect(await merged(['c', null], ['u', null], ['d', null])).toEqual({ kind: 'd', props: null });
  });

  it('unions the updated properties, and "any property" (null) wins', async () => {
    // Mailbox/changes reports updatedProperties only when every update named its properties.
    expect(await merged(['u', ['totalEmails']], ['u', ['unreadEmails', 'totalEmails']])).toEqual({
      kind: 'u',
      props: ['totalEmails', 'unreadEmails'],
    });
    expect(await merged(['u', ['totalEmails']], ['u', null])).toEqual({ kind: 'u', props: null });
  });

  it('keeps different objects and types apart, and records which types moved', async () => {
    const { db, batches } = sink();
    const rec = new ChangeRecorder('acct', 9);
    rec.record('Email', 'E1', 'c');
    rec.record('Email', 'E2', 'u', ['keywords']);
    rec.record('Thread', 'E1', 'u');
    rec.record('Email', 'E1', 'u', ['mailboxIds']);
    expect(rec.size).toBe(4);
    expect([...rec.types].sort()).toEqual(['Email', 'Thread']);
    await rec.flush(db);
    expect(batches[0]).toEqual([
      { account: 'acct', type: 'Email', modseq: 9, objectId: 'E1', kind: 'c', props: null },
      { account: 'acct', type: 'Email', modseq: 9, objectId: 'E2', kind: 'u', props: ['keywords'] },
      { account: 'acct', type: 'Thread', modseq: 9, objectId: 'E1', kind: 'u', props: null },
    ]);
    expect(rec.size).toBe(0);
  });

  it('writes nothing when nothing was recorded', async () => {
    const { db, batches } = sink();
    await new ChangeRecorder('acct', 1).flush(db);
    expect(batches).toEqual([]);
  });
});
