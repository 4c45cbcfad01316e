import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError } from '../errors.js';
import { parseCopyRequest } from './copy.js';

function parse(args: Record<string, unknown>, max = 3) {
  const a = new Args(args);
  const req = parseCopyRequest(a, max);
  a.done();
  return req;
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

describe('/copy arguments (RFC 8620 section 5.4)', () => {
  it('reads the source and target accounts, their states and the records to copy, with the documented defaults', () => {
    expect(parse({ fromAccountId: 'x', accountId: 'y', create: { k5122: { id: 'a' } } })).toEqual({
      fromAccountId: 'x',
      ifFromInState: null,
      accountId: 'y',
      ifInState: null,
      create: { k5122: { id: 'a' } },
      onSuccessDestroyOriginal: false,
      destroyFromIfInState: null,
    });
  });

  it('keeps overriding properties and the implicit destroy arguments', () => {
    const req = parse({
      fromAccountId: 'x',
      ifFromInState: 's1',
      accountId: 'y',
      ifInState: 's2',
      create: { k1: { id: 'a', title: 'copy of a' } },
      onSuccessDestroyOriginal: true,
      destroyFromIfInState: 's3',
    });
    expect(req).toMatchObject({
      ifFromInState: 's1',
      ifInState: 's2',
      onSuccessDestroyOriginal: true,
      destroyFromIfInState: 's3',
    });
    expect(req.create.k1).toEqual({ id: 'a', title: 'copy of a' });
  });

  it('rejects a copy within one account with invalidArguments (clarification Q12)', () => {
    expect(errorType(() => parse({ fromAccountId: 'x', accountId: 'x', create: { k1: { id: 'a' } } }))).toBe(
      'invalidArguments',
    );
  });

  it('rejects more records than maxObjectsInSet with requestTooLarge', () => {
    const create = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [`k${id}`, { id }]));
    expect(errorType(() => parse({ fromAccountId: 'x', accountId: 'y', create }))).toBe('requestTooLarge');
  });

  it.each([
    ['a missing create', {}],
    ['a create entry without the id of the record to copy', { create: { k1: { title: 'x' } } }],
    ['a create entry that is not an object', { create: { k1: 'a' } }],
    ['a missing fromAccountId', { fromAccountId: undefined, create: { k1: { id: 'a' } } }],
    [
      'onSuccessDestroyOriginal that is not a Boolean',
      { create: { k1: { id: 'a' } }, onSuccessDestroyOriginal: 'yes' },
    ],
  ])('rejects %s with invalidArguments', (_what, over) => {
    expect(errorType(() => parse({ fromAccountId: 'x', accountId: 'y', ...over }))).toBe('invalidArguments');
  });
});
