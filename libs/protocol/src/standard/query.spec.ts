import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError } from '../errors.js';
import { parseComparators, parseQueryRequest, walkFilter, windowOf } from './query.js';

const SORTABLE = new Set(['title', 'receivedAt']);
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

/** Foo/query's window over ten sorted results, with a server cap of `max` ids per answer. */
function query(args: Record<string, unknown>, max = 100) {
  const a = new Args({ accountId: 'x', ...args });
  const req = parseQueryRequest(a, SORTABLE);
  a.done();
  return windowOf(IDS, req, max);
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

describe('/query window (RFC 8620 section 5.5)', () => {
  it('starts at position 0 by default and returns everything up to the limit', () => {
    expect(query({ limit: 20 })).toEqual({ position: 0, ids: IDS });
    expect(query({ limit: 3 })).toEqual({ position: 0, ids: ['a', 'b', 'c'] });
  });

  it('starts at a given position', () => {
    expect(query({ position: 4, limit: 2 })).toEqual({ position: 4, ids: ['e', 'f'] });
  });

  it('returns no ids, without an error, for a position at or past the end', () => {
    expect(query({ position: 10 }).ids).toEqual([]);
    expect(query({ position: 25 }).ids).toEqual([]);
  });

  it('counts a negative position from the end, clamped to 0', () => {
    expect(query({ position: -3, limit: 5 })).toEqual({ position: 7, ids: ['h', 'i', 'j'] });
    expect(query({ position: -30, limit: 2 })).toEqual({ position: 0, ids: ['a', 'b'] });
  });

  it('starts at the anchor plus anchorOffset and ignores position when an anchor is given', () => {
    expect(query({ anchor: 'e', position: 9, limit: 2 })).toEqual({ position: 4, ids: ['e', 'f'] });
    expect(query({ anchor: 'e', anchorOffset: 2, limit: 2 })).toEqual({ position: 6, ids: ['g', 'h'] });
    expect(query({ anchor: 'e', anchorOffset: -1, limit: 2 })).toEqual({ position: 3, ids: ['d', 'e'] });
  });

  it('clamps anchor plus a negative anchorOffset to 0', () => {
    expect(query({ anchor: 'b', anchorOffset: -5, limit: 3 })).toEqual({ position: 0, ids: ['a', 'b', 'c'] });
  });

  it('ignores anchorOffset without an anchor', () => {
    expect(query({ anchorOffset: 5, limit: 1 })).toEqual({ position: 0, ids: ['a'] });
  });

  it('answers anchorNotFound for an anchor that is not in the results', () => {
    expect(errorType(() => query({ anchor: 'zz' }))).toBe('anchorNotFound');
  });

  it('returns no ids for limit 0', () => {
    expect(query({ limit: 0 }).ids).toEqual([]);
  });

  it('rejects a negative limit with invalidArguments', () => {
    expect(errorType(() => query({ limit: -1 }))).toBe('invalidArguments');
  });

  it('clamps a limit above the server maximum and returns the limit it used', () => {
    expect(query({ limit: 8 }, 4)).toEqual({ position: 0, ids: ['a', 'b', 'c', 'd'], limit: 4 });
  });

  it('returns the server maximum as limit when the client gave none and the server capped the answer', () => {
    expect(query({}, 4)).toEqual({ position: 0, ids: ['a', 'b', 'c', 'd'], limit: 4 });
  });

  it('leaves limit out when the client limit was used as given', () => {
    expect(query({ limit: 3 }, 4)).not.toHaveProperty('limit');
  });

  it('defaults calculateTotal to false', () => {
    const a = new Args({ accountId: 'x' });
    expect(parseQueryRequest(a, SORTABLE).calculateTotal).toBe(false);
  });

  it.each([
    ['a fractional position', { position: 1.5 }],
    ['an anchor that is not an Id', { anchor: 'a b' }],
    ['calculateTotal that is not a Boolean', { calculateTotal: 1 }],
    ['a filter that is not an object', { filter: [] }],
  ])('rejects %s with invalidArguments', (_what, args) => {
    expect(errorType(() => query(args))).toBe('invalidArguments');
  });
});

describe('/query sort (RFC 8620 section 5.5)', () => {
  it('reads comparators with isAscending defaulting to true', () => {
    expect(
      parseComparators(
        [
          { property: 'title' },
          { property: 'receivedAt', isAscending: false, collation: 'i;unicode-casemap' },
        ],
        SORTABLE,
      ),
    ).toEqual([
      { property: 'title', isAscending: true, collation: null },
      { property: 'receivedAt', isAscending: false, collation: 'i;unicode-casemap' },
    ]);
  });

  it('treats a null or missing sort as no comparators (server order)', () => {
    expect(parseComparators(null, SORTABLE)).toEqual([]);
    expect(parseComparators(undefined, SORTABLE)).toEqual([]);
  });

  it('answers unsupportedSort for a property the server cannot sort on', () => {
    expect(errorType(() => parseComparators([{ property: 'size' }], SORTABLE))).toBe('unsupportedSort');
  });

  it('answers unsupportedSort for a collation the server does not know', () => {
    expect(errorType(() => parseComparators([{ property: 'title', collation: 'i;klingon' }], SORTABLE))).toBe(
      'unsupportedSort',
    );
  });

  it.each([
    ['sort that is not an array', { property: 'title' }],
    ['a comparator without property', [{ isAscending: true }]],
    ['isAscending that is not a Boolean', [{ property: 'title', isAscending: 'yes' }]],
    ['a comparator argument nobody defined', [{ property: 'title', colour: 'red' }]],
  ])('rejects %s with invalidArguments', (_what, sort) => {
    expect(errorType(() => parseComparators(sort, SORTABLE))).toBe('invalidArguments');
  });
});

describe('/query filter (RFC 8620 section 5.5)', () => {
  it('visits every FilterCondition inside AND, OR and NOT operators', () => {
    const seen: unknown[] = [];
    walkFilter(
      {
        operator: 'OR',
        conditions: [{ hasKeyword: 'music' }, { operator: 'NOT', conditions: [{ hasKeyword: 'video' }] }],
      },
      (c) => seen.push(c),
    );
    expect(seen).toEqual([{ hasKeyword: 'music' }, { hasKeyword: 'video' }]);
  });

  it('treats an object without "operator" as a FilterCondition', () => {
    const seen: unknown[] = [];
    walkFilter({ hasKeyword: 'music' }, (c) => seen.push(c));
    expect(seen).toEqual([{ hasKeyword: 'music' }]);
  });

  it('rejects a FilterOperator without a conditions array or with extra properties with invalidArguments', () => {
    expect(errorType(() => walkFilter({ operator: 'AND' }, () => undefined))).toBe('invalidArguments');
    expect(
      errorType(() => walkFilter({ operator: 'AND', conditions: [], hasKeyword: 'x' }, () => undefined)),
    ).toBe('invalidArguments');
  });

  it('answers unsupportedFilter for an operator other than AND, OR and NOT', () => {
    expect(errorType(() => walkFilter({ operator: 'XOR', conditions: [] }, () => undefined))).toBe(
      'unsupportedFilter',
    );
  });

  it('answers unsupportedFilter for a filter nested deeper than the server processes', () => {
    let filter: Record<string, unknown> = { hasKeyword: 'x' };
    for (let i = 0; i < 40; i++) filter = { operator: 'AND', conditions: [filter] };
    expect(errorType(() => walkFilter(filter, () => undefined))).toBe('unsupportedFilter');
  });
});
