import { describe, expect, it } from 'vitest';
import { Args } from '../args.js';
import { MethodError, setError } from '../errors.js';
import {
  applyPatch,
  parseSetRequest,
  patchedProperties,
  PatchError,
  resolveIdRef,
  setResponse,
} from './set.js';

function parse(args: Record<string, unknown>, max = 10, createdIds = new Map<string, string>()) {
  const a = new Args(args);
  const req = parseSetRequest(a, max, createdIds);
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

function patchError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return 'invalidPatch';
    throw err;
  }
  return 'none';
}

/** The Todo of RFC 8620 section 5.7. */
const piano: Record<string, unknown> & { keywords: Record<string, boolean> } = {
  id: 'a',
  title: 'Practise Piano',
  keywords: { music: true, beethoven: true, mozart: true, liszt: true, rachmaninov: true },
  neuralNetworkTimeEstimation: 3600,
};

describe('/set arguments (RFC 8620 section 5.3)', () => {
  it('reads create, update and destroy, treating null as none', () => {
    expect(
      parse({
        accountId: 'x',
        ifInState: '10324',
        create: { k1: { title: 't' } },
        update: { a: { title: 'u' } },
        destroy: ['b'],
      }),
    ).toEqual({
      accountId: 'x',
      ifInState: '10324',
      create: { k1: { title: 't' } },
      update: { a: { title: 'u' } },
      destroy: ['b'],
    });
    expect(parse({ accountId: 'x', create: null, update: null, destroy: null })).toEqual({
      accountId: 'x',
      ifInState: null,
      create: {},
      update: {},
      destroy: [],
    });
  });

  it('resolves "#creationId" keys of update and destroy to records created earlier in the request (erratum 6607)', () => {
    const createdIds = new Map([
      ['k15', 'T15'],
      ['k16', 'T16'],
    ]);
    const req = parse(
      { accountId: 'x', update: { '#k15': { title: 'renamed' } }, destroy: ['#k16', 'b'] },
      10,
      createdIds,
    );
    expect(req.update).toEqual({ T15: { title: 'renamed' } });
    expect(req.destroy).toEqual(['T16', 'b']);
  });

  it('keeps an unknown "#creationId" as given, so that it fails later with notFound', () => {
    expect(parse({ accountId: 'x', destroy: ['#nope'] }).destroy).toEqual(['#nope']);
  });

  it('rejects more creates, updates and destroys together than maxObjectsInSet with requestTooLarge (RFC 8620 section 2)', () => {
    const create = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, {}]));
    const destroy = Array.from({ length: 6 }, (_, i) => `d${i}`);
    expect(errorType(() => parse({ accountId: 'x', create, destroy }))).toBe('requestTooLarge');
    expect(parse({ accountId: 'x', create, destroy: destroy.slice(0, 3) }).destroy).toHaveLength(3);
  });

  it.each([
    ['a creation id that is not an Id', { create: { 'k 1': {} } }],
    ['a create value that is not an object', { create: { k1: 'title' } }],
    ['an update value that is not a PatchObject', { update: { a: [1] } }],
    ['destroy that is not an array', { destroy: 'a' }],
    ['create that is an array', { create: [{}] }],
    ['ifInState that is not a string', { ifInState: 5 }],
    ['a missing accountId (clarification Q5)', { accountId: undefined }],
  ])('rejects %s with invalidArguments', (_what, over) => {
    expect(errorType(() => parse({ accountId: 'x', ...over }))).toBe('invalidArguments');
  });
});

describe('PatchObject (RFC 8620 section 5.3)', () => {
  it('gives the same result for a minimal patch and for the whole object (the example of section 5.7)', () => {
    const minimal = applyPatch(piano, { 'keywords/chopin': true, 'keywords/mozart': null });
    const whole = applyPatch(piano, {
      ...piano,
      keywords: { music: true, beethoven: true, chopin: true, liszt: true, rachmaninov: true },
    });
    expect(minimal).toEqual(whole);
    expect(minimal.keywords).toEqual({
      music: true,
      beethoven: true,
      liszt: true,
      rachmaninov: true,
      chopin: true,
    });
  });

  it('removes a property patched to null, and a null for a missing key is a no-op', () => {
    expect(applyPatch(piano, { neuralNetworkTimeEstimation: null })).not.toHaveProperty(
      'neuralNetworkTimeEstimation',
    );
    expect(applyPatch(piano, { 'keywords/absent': null })).toEqual(piano);
  });

  it('replaces an array in its entirety', () => {
    expect(applyPatch(piano, { subTodoIds: ['k1', 'k2'] }).subTodoIds).toEqual(['k1', 'k2']);
  });

  it('leaves the patched record untouched', () => {
    const before = structuredClone(piano);
    applyPatch(piano, { 'keywords/chopin': true, title: 'x' });
    expect(piano).toEqual(before);
  });

  it('unescapes ~1 and ~0 in pointer tokens (RFC 6901)', () => {
    expect(applyPatch({ id: 'a', keywords: {} }, { 'keywords/a~1b~0c': true }).keywords).toEqual({
      'a/b~c': true,
    });
  });

  it('rejects a pointer inside an array with invalidPatch', () => {
    expect(patchError(() => applyPatch({ id: 'a', list: [{ x: 1 }] }, { 'list/0/x': 2 }))).toBe(
      'invalidPatch',
    );
    expect(patchError(() => applyPatch({ id: 'a', list: [1, 2] }, { 'list/0': 3 }))).toBe('invalidPatch');
  });

  it('rejects a pointer whose parts before the last do not exist with invalidPatch', () => {
    expect(patchError(() => applyPatch(piano, { 'alerts/1/offset': 5 }))).toBe('invalidPatch');
    expect(patchError(() => applyPatch(piano, { 'title/length': 5 }))).toBe('invalidPatch');
  });

  it('rejects two pointers of which one is a prefix of the other with invalidPatch', () => {
    expect(patchError(() => applyPatch(piano, { keywords: {}, 'keywords/chopin': true }))).toBe(
      'invalidPatch',
    );
  });

  it('cannot reach Object.prototype: a "__proto__/..." pointer is rejected and pollutes nothing (regression)', () => {
    expect(patchError(() => applyPatch(piano, { '__proto__/polluted': 'yes' }))).toBe('invalidPatch');
    expect(patchError(() => applyPatch(piano, { 'keywords/__proto__/polluted': 'yes' }))).toBe(
      'invalidPatch',
    );
    expect(patchError(() => applyPatch(piano, { 'constructor/prototype/polluted': 'yes' }))).toBe(
      'invalidPatch',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stores a "__proto__" key as a plain own property', () => {
    const patched = applyPatch(
      { id: 'a', keywords: {} as Record<string, boolean> },
      { 'keywords/__proto__': true },
    );
    expect(Object.keys(patched.keywords)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(patched.keywords)).toBe(Object.prototype);
  });

  it('names the top-level properties a patch touches', () => {
    expect(
      patchedProperties({ 'keywords/chopin': true, 'keywords/mozart': null, title: 'x' }).sort(),
    ).toEqual(['keywords', 'title']);
  });
});

describe('/set response (RFC 8620 section 5.3)', () => {
  it('uses null for every empty created, updated, destroyed and not* map', () => {
    expect(setResponse({ accountId: 'x', oldState: '1', newState: '2' })).toEqual({
      accountId: 'x',
      oldState: '1',
      newState: '2',
      created: null,
      updated: null,
      destroyed: null,
      notCreated: null,
      notUpdated: null,
      notDestroyed: null,
    });
  });

  it('reports each record separately: successes and SetErrors side by side', () => {
    const res = setResponse({
      accountId: 'x',
      oldState: '1',
      newState: '2',
      created: { k1: { id: 'T1' } },
      updated: { a: null },
      notUpdated: { zz: setError('notFound') },
      notDestroyed: { b: setError('forbidden', 'not yours') },
    });
    expect(res.created).toEqual({ k1: { id: 'T1' } });
    expect(res.updated).toEqual({ a: null });
    expect(res.notUpdated).toEqual({ zz: { type: 'notFound' } });
    expect(res.notDestroyed).toEqual({ b: { type: 'forbidden', description: 'not yours' } });
  });
});

describe('creation-id references inside one /set (RFC 8620 section 5.3)', () => {
  /**
   * A tiny Todo/set performer: creates first, recording each creation id, then resolves "#id" keys and foreign
   * keys against the map, the way the section 5.7 example adds a sub-Todo created in the same call.
   */
  function todoSet(
    store: Map<string, Record<string, unknown>>,
    args: Record<string, unknown>,
    createdIds = new Map<string, string>(),
  ) {
    const req = parse(args, 10, createdIds);
    const created: Record<string, Record<string, unknown>> = {};
    for (const [cid, todo] of Object.entries(req.create)) {
      const id = `T${store.size + 1}`;
      store.set(id, { ...todo, id });
      createdIds.set(cid, id);
      created[cid] = { id };
    }
    const updated: Record<string, null> = {};
    const notUpdated: Record<string, ReturnType<typeof setError>> = {};
    for (const [key, patch] of Object.entries(req.update)) {
      const id = resolveIdRef(key, createdIds);
      const current = store.get(id);
      if (!current) {
        notUpdated[key] = setError('notFound');
        continue;
      }
      const next = applyPatch(current, patch);
      if (Array.isArray(next.subTodoIds))
        next.subTodoIds = (next.subTodoIds as string[]).map((s) => resolveIdRef(s, createdIds));
      store.set(id, next);
      updated[id] = null;
    }
    return setResponse({ accountId: 'x', oldState: '1', newState: '2', created, updated, notUpdated });
  }

  it('lets an update in the same call refer to a record created by it', () => {
    const store = new Map([['a', { ...piano }]]);
    const res = todoSet(store, {
      accountId: 'x',
      create: { k15: { title: 'Warm up with scales' } },
      update: { a: { subTodoIds: ['#k15'] } },
    });
    expect(res.created).toEqual({ k15: { id: 'T2' } });
    expect(store.get('a')!.subTodoIds).toEqual(['T2']);
  });

  it('lets an update key be the creation id of a record created in the same call (erratum 6607)', () => {
    const store = new Map<string, Record<string, unknown>>();
    const res = todoSet(store, {
      accountId: 'x',
      create: { k1: { title: 'draft' } },
      update: { '#k1': { title: 'final' } },
    });
    expect(res.updated).toEqual({ T1: null });
    expect(store.get('T1')!.title).toBe('final');
  });

  it('rejects an update of an unknown id with the notFound SetError and carries on', () => {
    const store = new Map([['a', { ...piano }]]);
    const res = todoSet(store, {
      accountId: 'x',
      update: { nope: { title: 'x' }, a: { title: 'Practise Organ' } },
    });
    expect(res.notUpdated).toEqual({ nope: { type: 'notFound' } });
    expect(res.updated).toEqual({ a: null });
  });
});
