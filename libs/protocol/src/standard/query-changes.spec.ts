import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError } from '../errors.js';
import { computeQueryChanges, parseQueryChangesRequest, type QueryChangesResult } from './query-changes.js';

function errorType(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MethodError) return err.type;
    throw err;
  }
  return 'none';
}

/** The client algorithm of RFC 8620 section 5.6: splice out every removed id, then splice in every added one. */
function applyToCache(cache: string[], changes: QueryChangesResult, total: number): string[] {
  const out = cache.filter((id) => !changes.removed.includes(id));
  for (const { id, index } of changes.added) out.splice(index, 0, id);
  return out.slice(0, total);
}

describe('/queryChanges arguments (RFC 8620 section 5.6)', () => {
  it('reads the query, the old state and the optional limits', () => {
    const a = new Args({
      accountId: 'x',
      sort: [{ property: 'title' }],
      sinceQueryState: 'y13213',
      maxChanges: 50,
      upToId: 'd',
    });
    expect(parseQueryChangesRequest(a, new Set(['title']))).toEqual({
      accountId: 'x',
      filter: null,
      sort: [{ property: 'title', isAscending: true, collation: null }],
      sinceQueryState: 'y13213',
      maxChanges: 50,
      upToId: 'd',
      calculateTotal: false,
    });
  });

  it.each([
    ['a missing sinceQueryState', {}],
    ['maxChanges 0', { sinceQueryState: 's', maxChanges: 0 }],
    ['an upToId that is not an Id', { sinceQueryState: 's', upToId: '' }],
  ])('rejects %s with invalidArguments', (_what, args) => {
    expect(errorType(() => parseQueryChangesRequest(new Args({ accountId: 'x', ...args }), new Set()))).toBe(
      'invalidArguments',
    );
  });
});

describe('/queryChanges results (RFC 8620 section 5.6, errata 6603 and 6604)', () => {
  const oldIds = ['a', 'b', 'c', 'd', 'e'];

  it('removes destroyed ids and adds created ones at their new index; a client cache then equals the new results', () => {
    // b destroyed, x created (sorts between c and d), y created at the end.
    const newIds = ['a', 'c', 'x', 'd', 'e', 'y'];
    const changes = computeQueryChanges({
      changed: new Set(['b', 'x', 'y']),
      mayHaveBeenPresent: new Set(['b']),
      newIds,
      upToId: null,
      maxChanges: null,
    });
    expect(changes).toEqual({
      removed: ['b'],
      added: [
        { id: 'x', index: 2 },
        { id: 'y', index: 5 },
      ],
    });
    expect(applyToCache(oldIds, changes, newIds.length)).toEqual(newIds);
  });

  it('removes and re-adds an updated record whose position may have moved', () => {
    const newIds = ['a', 'c', 'd', 'b', 'e'];
    const changes = computeQueryChanges({
      changed: new Set(['b']),
      mayHaveBeenPresent: new Set(['b']),
      newIds,
      upToId: null,
      maxChanges: null,
    });
    expect(changes).toEqual({ removed: ['b'], added: [{ id: 'b', index: 3 }] });
    expect(applyToCache(oldIds, changes, newIds.length)).toEqual(newIds);
  });

  it('mentions nothing of a record created and destroyed since the old state', () => {
    const changes = computeQueryChanges({
      changed: new Set(['z']),
      mayHaveBeenPresent: new Set(),
      newIds: oldIds,
      upToId: null,
      maxChanges: null,
    });
    expect(changes).toEqual({ removed: [], added: [] });
  });

  it('sorts added items by index, lowest first', () => {
    const newIds = ['p', 'a', 'q', 'b', 'c', 'd', 'e', 'r'];
    const changes = computeQueryChanges({
      changed: new Set(['r', 'q', 'p']),
      mayHaveBeenPresent: new Set(),
      newIds,
      upToId: null,
      maxChanges: null,
    });
    expect(changes.added.map((a) => a.index)).toEqual([0, 2, 7]);
  });

  it('omits added ids after upToId in the new results (erratum 6603)', () => {
    const newIds = ['x', 'a', 'b', 'c', 'y', 'd', 'e'];
    const changes = computeQueryChanges({
      changed: new Set(['x', 'y']),
      mayHaveBeenPresent: new Set(),
      newIds,
      upToId: 'b',
      maxChanges: null,
    });
    expect(changes.added).toEqual([{ id: 'x', index: 0 }]);
    // The client caches up to b: its window of the new results is right.
    expect(applyToCache(['a', 'b'], changes, 3)).toEqual(newIds.slice(0, 3));
  });

  it('ignores an upToId that is not in the new results', () => {
    const newIds = ['a', 'c', 'y'];
    const changes = computeQueryChanges({
      changed: new Set(['b', 'y']),
      mayHaveBeenPresent: new Set(['b']),
      newIds,
      upToId: 'b',
      maxChanges: null,
    });
    expect(changes.added).toEqual([{ id: 'y', index: 2 }]);
  });

  it('keeps every removed id even after upToId, since it cannot place them in the old results (erratum 6603)', () => {
    const newIds = ['a', 'b', 'c'];
    const changes = computeQueryChanges({
      changed: new Set(['d', 'e']),
      mayHaveBeenPresent: new Set(['d', 'e']),
      newIds,
      upToId: 'a',
      maxChanges: null,
    });
    expect(changes.removed.sort()).toEqual(['d', 'e']);
  });

  it('answers tooManyChanges when removed plus added exceed maxChanges, each item counting once', () => {
    const newIds = ['a', 'c', 'x', 'd', 'e'];
    const input = { changed: new Set(['b', 'x']), mayHaveBeenPresent: new Set(['b']), newIds, upToId: null };
    expect(errorType(() => computeQueryChanges({ ...input, maxChanges: 1 }))).toBe('tooManyChanges');
    expect(computeQueryChanges({ ...input, maxChanges: 2 }).added).toHaveLength(1);
  });
});
