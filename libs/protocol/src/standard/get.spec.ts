import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError } from '../errors.js';
import { getResponse, parseGetRequest, type GetOptions } from './get.js';

const TODOS = [
  { id: 'a', title: 'Practise Piano', keywords: { music: true } },
  { id: 'b', title: 'Watch Daft Punk music video', keywords: { music: true, video: true } },
  { id: 'c', title: 'Water plants', keywords: {} },
];

const options: GetOptions = { allProperties: ['id', 'title', 'keywords'], maxObjectsInGet: 3 };

/** Runs Todo/get (RFC 8620 section 5.7's example type) over an in-memory table. */
function todoGet(args: Record<string, unknown>, records = TODOS, opts = options) {
  const a = new Args(args);
  const req = parseGetRequest(a, opts);
  a.done();
  return getResponse(req, '10324', records);
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

describe('/get (RFC 8620 section 5.1)', () => {
  it('returns the requested records with the state of the whole type and the ids it did not find', () => {
    expect(todoGet({ accountId: 'x', ids: ['a', 'zz'] })).toEqual({
      accountId: 'x',
      state: '10324',
      list: [TODOS[0]],
      notFound: ['zz'],
    });
  });

  it('returns every record when ids is null, with an empty notFound', () => {
    const res = todoGet({ accountId: 'x', ids: null });
    expect(res.list.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(res.notFound).toEqual([]);
  });

  it('returns every record when ids is omitted (null is the default, RFC 8620 section 3.5)', () => {
    expect(todoGet({ accountId: 'x' }).list).toHaveLength(3);
  });

  it('returns an empty list for ids: [] (clarification Q7)', () => {
    expect(todoGet({ accountId: 'x', ids: [] })).toEqual({
      accountId: 'x',
      state: '10324',
      list: [],
      notFound: [],
    });
  });

  it('lists an id given twice only once, in list or in notFound', () => {
    const res = todoGet({ accountId: 'x', ids: ['a', 'a', 'q', 'q'] });
    expect(res.list.map((t) => t.id)).toEqual(['a']);
    expect(res.notFound).toEqual(['q']);
  });

  it('returns only the requested properties plus id, which is always returned (clarification Q8)', () => {
    expect(todoGet({ accountId: 'x', ids: ['b'], properties: ['title'] }).list).toEqual([
      { id: 'b', title: TODOS[1].title },
    ]);
  });

  it('rejects an unknown property with invalidArguments', () => {
    expect(errorType(() => todoGet({ accountId: 'x', ids: ['a'], properties: ['title', 'colour'] }))).toBe(
      'invalidArguments',
    );
  });

  it('accepts dynamic properties the type allows (such as Email header:* forms)', () => {
    const opts = { ...options, isDynamicProperty: (p: string) => p.startsWith('header:') };
    expect(todoGet({ accountId: 'x', ids: ['a'], properties: ['header:Subject'] }, TODOS, opts).list).toEqual(
      [{ id: 'a', 'header:Subject': null }],
    );
  });

  it('rejects more ids than maxObjectsInGet with requestTooLarge', () => {
    expect(errorType(() => todoGet({ accountId: 'x', ids: ['a', 'b', 'c', 'd'] }))).toBe('requestTooLarge');
  });

  it('counts repeated ids once against maxObjectsInGet', () => {
    expect(todoGet({ accountId: 'x', ids: ['a', 'b', 'c', 'a'] }).list).toHaveLength(3);
  });

  it('rejects ids: null with requestTooLarge when the type has more records than maxObjectsInGet', () => {
    const many = [...TODOS, { id: 'd', title: 'Fourth', keywords: {} }];
    expect(errorType(() => todoGet({ accountId: 'x', ids: null }, many))).toBe('requestTooLarge');
  });

  it.each([
    ['a missing accountId (clarification Q5)', { ids: ['a'] }],
    ['ids that is not an array', { accountId: 'x', ids: 'a' }],
    ['an id that is not an Id', { accountId: 'x', ids: ['a b'] }],
    ['properties that is not an array of strings', { accountId: 'x', properties: [1] }],
    ['an argument /get does not define', { accountId: 'x', sinceState: '1' }],
  ])('rejects %s with invalidArguments (RFC 8620 section 3.6.2)', (_what, args) => {
    expect(errorType(() => todoGet(args))).toBe('invalidArguments');
  });
});
