/** Mailbox/query evaluation (RFC 8621 section 2.3): filters, sorts, sortAsTree and filterAsTree. */
import { describe, expect, it } from 'vitest';
import type { Mailbox } from './mailbox.js';
import { queryMailboxes } from './mailbox-query.js';

const mb = (id: string, name: string, parentId: string | null = null, extra: Partial<Mailbox> = {}): Mailbox => ({
  id,
  name,
  parentId,
  role: null,
  sortOrder: 0,
  isSubscribed: true,
  ...extra,
});

const tree = [
  mb('a', 'Beta'),
  mb('b', 'alpha', null, { role: 'inbox', sortOrder: 1 }),
  mb('c', 'Gamma', 'a'),
  mb('d', 'delta', 'a', { isSubscribed: false }),
  mb('e', 'Epsilon', 'd'),
];
const byName = [{ property: 'name', isAscending: true, collation: null }];

describe('Mailbox/query', () => {
  it('sorts by name case-insensitively (i;unicode-casemap) and by sortOrder descending', () => {
    expect(queryMailboxes(tree, null, byName, { sortAsTree: false, filterAsTree: false })).toEqual(['b', 'a', 'd', 'e', 'c']);
    expect(queryMailboxes(tree, null, [{ property: 'sortOrder', isAscending: false, collation: null }], { sortAsTree: false, filterAsTree: false })[0]).toBe('b');
  });

  it('filters on parentId, name, role, hasAnyRole and isSubscribed', () => {
    const q = (filter: object) => queryMailboxes(tree, filter as never, byName, { sortAsTree: false, filterAsTree: false });
    expect(q({ parentId: 'a' })).toEqual(['d', 'c']);
    expect(q({ parentId: null })).toEqual(['b', 'a']);
    expect(q({ name: 'ALP' })).toEqual(['b']);
    expect(q({ role: 'inbox' })).toEqual(['b']);
    expect(q({ role: null })).toEqual(['a', 'd', 'e', 'c']);
    expect(q({ hasAnyRole: true })).toEqual(['b']);
    expect(q({ isSubscribed: false })).toEqual(['d']);
    expect(q({ operator: 'NOT', conditions: [{ parentId: 'a' }, { parentId: null }] })).toEqual(['e']);
    expect(q({ operator: 'OR', conditions: [{ role: 'inbox' }, { name: 'eps' }] })).toEqual(['b', 'e']);
  });

  it('sortAsTree puts ancestors before descendants and orders siblings by the comparators', () => {
    expect(queryMailboxes(tree, null, byName, { sortAsTree: true, filterAsTree: false })).toEqual(['b', 'a', 'd', 'e', 'c']);
    expect(queryMailboxes(tree, null, [{ property: 'name', isAscending: false, collation: null }], { sortAsTree: true, filterAsTree: false })).toEqual([
      'a',
      'c',
      'd',
      'e',
      'b',
    ]);
  });

  it('filterAsTree drops mailboxes whose ancestors do not match', () => {
    const f = { operator: 'NOT', conditions: [{ name: 'delta' }] } as never;
    expect(queryMailboxes(tree, f, byName, { sortAsTree: true, filterAsTree: false })).toEqual(['b', 'a', 'e', 'c']);
    expect(queryMailboxes(tree, f, byName, { sortAsTree: true, filterAsTree: true })).toEqual(['b', 'a', 'c']);
  });
});
