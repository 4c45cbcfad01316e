import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError } from '../errors.js';
import {
  foldChanges,
  parseChangesRequest,
  sinceCursor,
  type ChangeLogRow,
  type FoldedChanges,
} from './changes.js';

const row = (
  modseq: number,
  objectId: string,
  kind: ChangeLogRow['kind'],
  props: string[] | null = null,
): ChangeLogRow => ({
  modseq,
  objectId,
  kind,
  props,
});

/**
 * Foo/changes over an in-memory change log, the way the gateway runs it over the changes table: the type's
 * current state first, then the rows after the client's cursor in (modseq, objectId) order, limit + 1 of them.
 */
function fooChanges(
  log: ChangeLogRow[],
  args: Record<string, unknown>,
  current = Math.max(0, ...log.map((r) => r.modseq)),
  cap = 100,
): FoldedChanges {
  const a = new Args(args);
  const req = parseChangesRequest(a);
  a.done();
  const since = sinceCursor(req.sinceState, current);
  const limit = Math.min(req.maxChanges ?? cap, cap);
  const after = log
    .filter(
      (r) =>
        r.modseq > since.modseq ||
        (r.modseq === since.modseq && since.objectId !== null && r.objectId > since.objectId),
    )
    .sort((x, y) => x.modseq - y.modseq || (x.objectId < y.objectId ? -1 : x.objectId > y.objectId ? 1 : 0));
  return foldChanges(after.slice(0, limit + 1), limit, since, current);
}

function errorType(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MethodError) return err.type;
    throw err;
  }
  return 'none';
}

const idsOf = (f: FoldedChanges) => [...f.created, ...f.updated, ...f.destroyed];

/** Pages through /changes with maxChanges until hasMoreChanges is false, returning every answer. */
function pageThrough(log: ChangeLogRow[], sinceState: string, maxChanges: number): FoldedChanges[] {
  const pages: FoldedChanges[] = [];
  let state = sinceState;
  for (let i = 0; i < 100; i++) {
    const page = fooChanges(log, { accountId: 'x', sinceState: state, maxChanges });
    pages.push(page);
    if (!page.hasMoreChanges) return pages;
    state = page.newState;
  }
  throw new Error('paging did not finish');
}

describe('/changes (RFC 8620 section 5.2)', () => {
  const log = [row(1, 'a', 'c'), row(1, 'b', 'c'), row(2, 'a', 'u'), row(3, 'c', 'c'), row(4, 'b', 'd')];

  it('lists records created, updated and destroyed since the state, with the current state as newState', () => {
    expect(fooChanges(log, { accountId: 'x', sinceState: '1' })).toMatchObject({
      created: ['c'],
      updated: ['a'],
      destroyed: ['b'],
      newState: '4',
      hasMoreChanges: false,
    });
  });

  it('reports a record created and then updated only as created', () => {
    expect(fooChanges(log, { accountId: 'x', sinceState: '0' }).created).toEqual(['a', 'c']);
    expect(fooChanges(log, { accountId: 'x', sinceState: '0' }).updated).toEqual([]);
  });

  it('reports a record updated and then destroyed only as destroyed', () => {
    const res = fooChanges([...log, row(5, 'a', 'd')], { accountId: 'x', sinceState: '1' });
    expect(res.destroyed).toEqual(['a', 'b']);
    expect(res.updated).toEqual([]);
  });

  it('leaves out a record created and destroyed since the state', () => {
    const res = fooChanges(log, { accountId: 'x', sinceState: '0' });
    expect(idsOf(res)).not.toContain('b');
  });

  it('answers no changes at the current state, newState being that state', () => {
    expect(fooChanges(log, { accountId: 'x', sinceState: '4' })).toMatchObject({
      created: [],
      updated: [],
      destroyed: [],
      newState: '4',
      hasMoreChanges: false,
    });
  });

  it('moves newState to the type state when other writes advanced it without changing this type', () => {
    expect(fooChanges(log, { accountId: 'x', sinceState: '4' }, 9).newState).toBe('9');
    expect(fooChanges(log, { accountId: 'x', sinceState: '3' }, 9)).toMatchObject({
      destroyed: ['b'],
      newState: '9',
    });
  });

  it('answers cannotCalculateChanges for a state this server never issued', () => {
    expect(errorType(() => fooChanges(log, { accountId: 'x', sinceState: 'garbage' }))).toBe(
      'cannotCalculateChanges',
    );
    expect(errorType(() => fooChanges(log, { accountId: 'x', sinceState: '-1' }))).toBe(
      'cannotCalculateChanges',
    );
  });

  it('answers cannotCalculateChanges for a state ahead of the server (another account or a rebuilt one)', () => {
    expect(errorType(() => fooChanges(log, { accountId: 'x', sinceState: '77' }))).toBe(
      'cannotCalculateChanges',
    );
  });

  it.each([
    ['maxChanges 0', { maxChanges: 0 }],
    ['a negative maxChanges', { maxChanges: -5 }],
    ['a fractional maxChanges', { maxChanges: 1.5 }],
    ['a missing sinceState', { sinceState: undefined }],
    ['a sinceState that is not a string', { sinceState: 4 }],
  ])('rejects %s with invalidArguments', (_what, over) => {
    expect(errorType(() => fooChanges(log, { accountId: 'x', sinceState: '1', ...over }))).toBe(
      'invalidArguments',
    );
  });

  it('returns summed ids within maxChanges and an intermediate state with hasMoreChanges', () => {
    const first = fooChanges(log, { accountId: 'x', sinceState: '0', maxChanges: 2 });
    expect(idsOf(first).length).toBeLessThanOrEqual(2);
    expect(first.hasMoreChanges).toBe(true);
    expect(first.newState).not.toBe('4');
  });

  it('reaches the same final state and records by paging as in one call', () => {
    const big = [
      row(1, 'a', 'c'),
      row(1, 'b', 'c'),
      row(1, 'c', 'c'),
      row(2, 'd', 'c'),
      row(3, 'a', 'u'),
      row(3, 'e', 'c'),
      row(3, 'f', 'c'),
      row(4, 'b', 'd'),
      row(5, 'g', 'c'),
      row(5, 'h', 'c'),
      row(6, 'c', 'u'),
    ];
    for (const maxChanges of [1, 2, 3, 4]) {
      const pages = pageThrough(big, '0', maxChanges);
      for (const p of pages) expect(idsOf(p).length).toBeLessThanOrEqual(maxChanges);
      expect(pages.at(-1)!.newState).toBe('6');
      // Applying the pages in order to an empty cache gives the records that exist now.
      const cache = new Set<string>();
      for (const p of pages) {
        for (const id of [...p.created, ...p.updated]) cache.add(id);
        for (const id of p.destroyed) cache.delete(id);
      }
      expect([...cache].sort()).toEqual(['a', 'c', 'd', 'e', 'f', 'g', 'h']);
    }
  });

  it('continues inside one modseq when maxChanges cut it, losing and repeating nothing', () => {
    const burst = [
      row(1, 'a', 'c'),
      row(2, 'b', 'c'),
      row(2, 'c', 'c'),
      row(2, 'd', 'c'),
      row(2, 'e', 'c'),
      row(3, 'f', 'c'),
    ];
    const pages = pageThrough(burst, '1', 2);
    expect(pages.map((p) => p.created)).toEqual([['b', 'c'], ['d', 'e'], ['f']]);
    expect(pages.map((p) => p.hasMoreChanges)).toEqual([true, true, false]);
  });

  it('never reports a record destroyed before a page that reports it created', () => {
    const lifecycle = [
      row(1, 'a', 'c'),
      row(2, 'x', 'c'),
      row(3, 'b', 'c'),
      row(4, 'x', 'u'),
      row(5, 'x', 'd'),
    ];
    const pages = pageThrough(lifecycle, '1', 1);
    const firstSeen = pages.findIndex((p) => p.created.includes('x'));
    const destroyedAt = pages.findIndex((p) => p.destroyed.includes('x'));
    expect(firstSeen).toBeGreaterThanOrEqual(0);
    expect(destroyedAt).toBeGreaterThan(firstSeen);
    expect(pages.some((p, i) => i > firstSeen && p.created.includes('x'))).toBe(false);
  });

  it('reports updatedProperties only when every change was an update naming its properties (RFC 8621 section 2.2)', () => {
    const counts = [row(1, 'a', 'c'), row(2, 'a', 'u', ['totalEmails']), row(3, 'b', 'u', ['unreadEmails'])];
    expect(fooChanges(counts, { accountId: 'x', sinceState: '1' }).updatedProperties).toEqual([
      'totalEmails',
      'unreadEmails',
    ]);
    expect(fooChanges(counts, { accountId: 'x', sinceState: '0' }).updatedProperties).toBeNull();
    expect(
      fooChanges([...counts, row(4, 'a', 'u')], { accountId: 'x', sinceState: '1' }).updatedProperties,
    ).toBeNull();
  });
});
