import { describe, expect, it, vi } from 'vitest';
import { CORE, MAIL } from './capabilities.js';
import { dispatch, type DispatchEnvironment } from './dispatcher.js';
import { MethodError } from './errors.js';
import { MethodRegistry, type JmapMethod, type MethodContext } from './method.js';
import type { Invocation } from './request.js';

const method = (name: string, handle: JmapMethod['handle'], capability = CORE): JmapMethod => ({
  name,
  capability,
  handle,
});

/** Fixed answers shaped like RFC 8620 section 3.7's example, so references can walk them. */
const THREADS = {
  accountId: 'A1',
  state: '123456',
  list: [
    { id: 'trd194', emailIds: ['msg1020', 'msg1021', 'msg1023'] },
    { id: 'trd114', emailIds: ['msg201', 'msg223'] },
  ],
  notFound: [],
};

function registry(): MethodRegistry {
  return new MethodRegistry().register(
    method('Core/echo', async (args) => args),
    method('Thread/get', async () => structuredClone(THREADS)),
    method('Foo/fail', async () => {
      throw new MethodError('stateMismatch', 'the state moved');
    }),
    method('Foo/crash', async () => {
      throw new Error('database on fire');
    }),
    method('Foo/copy', async (_args, ctx) => {
      ctx.addResponse('Foo/set', { destroyed: ['f1'] });
      return { created: { k1: { id: 'f9' } } };
    }),
    method('Foo/halfway', async (_args, ctx) => {
      ctx.addResponse('Foo/set', { destroyed: ['f1'] });
      throw new MethodError('serverPartialFail');
    }),
    method('Foo/set', async (args, ctx) => {
      const create = (args.create ?? {}) as Record<string, unknown>;
      const created: Record<string, { id: string }> = {};
      for (const cid of Object.keys(create)) {
        const id = `F${ctx.createdIds.size + 1}`;
        ctx.createdIds.set(cid, id);
        created[cid] = { id };
      }
      return { created };
    }),
    method('Mailbox/get', async () => ({ list: [] }), MAIL),
  );
}

const env = (over: Partial<DispatchEnvironment> = {}): DispatchEnvironment => ({
  requestId: 'r1',
  principal: { id: 'p1', username: 'alice@example.com' },
  accounts: new Map(),
  ...over,
});

async function run(
  using: string[],
  methodCalls: Invocation[],
  createdIds?: Record<string, string>,
  e = env(),
) {
  return dispatch(registry(), { using, methodCalls, ...(createdIds ? { createdIds } : {}) }, e);
}

const ref = (resultOf: string, name: string, path: string) => ({ resultOf, name, path });

describe('dispatch: capabilities and unknown methods', () => {
  it('answers unknownMethod for a method whose capability is not in using (RFC 8620 sections 1.8 and 3.6.2)', async () => {
    const { methodResponses } = await run([CORE], [['Mailbox/get', { accountId: 'A1' }, 'c1']]);
    expect(methodResponses).toEqual([['error', expect.objectContaining({ type: 'unknownMethod' }), 'c1']]);
  });

  it('runs the method once its capability is in using', async () => {
    const { methodResponses } = await run([CORE, MAIL], [['Mailbox/get', { accountId: 'A1' }, 'c1']]);
    expect(methodResponses).toEqual([['Mailbox/get', { list: [] }, 'c1']]);
  });

  it('answers unknownMethod for every call when using is empty (clarification Q4)', async () => {
    const { methodResponses } = await run(
      [],
      [
        ['Core/echo', { a: 1 }, 'c1'],
        ['Core/echo', { b: 2 }, 'c2'],
      ],
    );
    expect(methodResponses.map((r) => [r[0], (r[1] as { type: string }).type, r[2]])).toEqual([
      ['error', 'unknownMethod', 'c1'],
      ['error', 'unknownMethod', 'c2'],
    ]);
  });

  it('answers unknownMethod when using lacks core even if it has the method capability (RFC 8620 erratum 6606)', async () => {
    const { methodResponses } = await run([MAIL], [['Mailbox/get', {}, 'c1']]);
    expect((methodResponses[0][1] as { type: string }).type).toBe('unknownMethod');
  });

  it('answers unknownMethod for a name no capability defines (RFC 8620 section 3.6.2)', async () => {
    const { methodResponses } = await run([CORE], [['Foo/bar', {}, 'c1']]);
    expect(methodResponses).toEqual([['error', expect.objectContaining({ type: 'unknownMethod' }), 'c1']]);
  });
});

describe('dispatch: processing order and errors', () => {
  it('processes calls in order and a failed call never stops the ones after it (RFC 8620 sections 3.6.2 and 3.10)', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { n: 1 }, 'c1'],
        ['Foo/fail', {}, 'c2'],
        ['Foo/bar', {}, 'c3'],
        ['Core/echo', { n: 4 }, 'c4'],
      ],
    );
    expect(methodResponses).toEqual([
      ['Core/echo', { n: 1 }, 'c1'],
      ['error', { type: 'stateMismatch', description: 'the state moved' }, 'c2'],
      ['error', expect.objectContaining({ type: 'unknownMethod' }), 'c3'],
      ['Core/echo', { n: 4 }, 'c4'],
    ]);
  });

  it('turns an unexpected exception into serverFail for that call only, and reports it (RFC 8620 section 3.6.2)', async () => {
    const onServerError = vi.fn();
    const { methodResponses } = await run(
      [CORE],
      [
        ['Foo/crash', {}, 'c1'],
        ['Core/echo', { ok: true }, 'c2'],
      ],
      undefined,
      env({ onServerError }),
    );
    expect(methodResponses[0]).toEqual(['error', expect.objectContaining({ type: 'serverFail' }), 'c1']);
    expect(JSON.stringify(methodResponses[0])).not.toContain('database on fire');
    expect(methodResponses[1]).toEqual(['Core/echo', { ok: true }, 'c2']);
    expect(onServerError).toHaveBeenCalledWith(expect.any(Error), 'Foo/crash');
  });

  it('puts a method response before the implicit responses it emitted, all with its call id (RFC 8620 sections 3.2 and 5.4)', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Foo/copy', {}, 'c1'],
        ['Core/echo', {}, 'c2'],
      ],
    );
    expect(methodResponses).toEqual([
      ['Foo/copy', { created: { k1: { id: 'f9' } } }, 'c1'],
      ['Foo/set', { destroyed: ['f1'] }, 'c1'],
      ['Core/echo', {}, 'c2'],
    ]);
  });

  it('leaves only the error response when a method fails after emitting an implicit response (RFC 8620 section 3.6.2)', async () => {
    const { methodResponses } = await run([CORE], [['Foo/halfway', {}, 'c1']]);
    expect(methodResponses).toEqual([['error', { type: 'serverPartialFail' }, 'c1']]);
  });

  it('reports each call outcome for metrics', async () => {
    const onMethodDone = vi.fn();
    await run(
      [CORE],
      [
        ['Core/echo', {}, 'c1'],
        ['Foo/fail', {}, 'c2'],
      ],
      undefined,
      env({ onMethodDone }),
    );
    expect(onMethodDone.mock.calls.map((c) => [c[0], c[1]])).toEqual([
      ['Core/echo', 'ok'],
      ['Foo/fail', 'stateMismatch'],
    ]);
  });

  it('echoes an argument named "__proto__" as given (RFC 8620 section 4)', async () => {
    const args = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const { methodResponses } = await run([CORE], [['Core/echo', args, 'c1']]);
    expect(JSON.stringify(methodResponses[0][1])).toBe('{"__proto__":{"polluted":true},"x":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('dispatch: result references (RFC 8620 section 3.7)', () => {
  it('resolves a reference to a previous response by call id, name and path', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { list: ['a', 'b'] }, 'c1'],
        ['Core/echo', { '#ids': ref('c1', 'Core/echo', '/list') }, 'c2'],
      ],
    );
    expect(methodResponses[1]).toEqual(['Core/echo', { ids: ['a', 'b'] }, 'c2']);
  });

  it('maps "*" through an array and flattens arrays of arrays into one array', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Thread/get', { accountId: 'A1' }, 't2'],
        [
          'Core/echo',
          {
            '#ids': ref('t2', 'Thread/get', '/list/*/emailIds'),
            '#threadIds': ref('t2', 'Thread/get', '/list/*/id'),
          },
          't3',
        ],
      ],
    );
    expect(methodResponses[1][1]).toEqual({
      ids: ['msg1020', 'msg1021', 'msg1023', 'msg201', 'msg223'],
      threadIds: ['trd194', 'trd114'],
    });
  });

  it('resolves an empty path to the whole arguments object and unescapes ~1 and ~0 (RFC 6901)', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { 'a/b': 1, 'c~d': 2 }, 'c1'],
        [
          'Core/echo',
          {
            '#all': ref('c1', 'Core/echo', ''),
            '#ab': ref('c1', 'Core/echo', '/a~1b'),
            '#cd': ref('c1', 'Core/echo', '/c~0d'),
          },
          'c2',
        ],
      ],
    );
    expect(methodResponses[1][1]).toEqual({ all: { 'a/b': 1, 'c~d': 2 }, ab: 1, cd: 2 });
  });

  it('uses the first response with the referenced call id', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { v: 'first' }, 'dup'],
        ['Core/echo', { v: 'second' }, 'dup'],
        ['Core/echo', { '#v': ref('dup', 'Core/echo', '/v') }, 'c3'],
      ],
    );
    expect(methodResponses[2][1]).toEqual({ v: 'first' });
  });

  it.each([
    ['a call id no earlier call used', ref('nope', 'Core/echo', '/list')],
    ['a call id of a later call', ref('c3', 'Core/echo', '/list')],
    ['a name that is not the response name', ref('c1', 'Foo/get', '/list')],
    ['a path to a member that does not exist', ref('c1', 'Core/echo', '/missing')],
    ['a path without its leading slash', ref('c1', 'Core/echo', 'list')],
    ['an array index past the end', ref('c1', 'Core/echo', '/list/5')],
    ['a path through a string', ref('c1', 'Core/echo', '/list/0/x')],
    ['a ResultReference without a path', { resultOf: 'c1', name: 'Core/echo' }],
    ['a ResultReference that is a string', '/list'],
  ])('rejects the whole call with invalidResultReference for %s', async (_what, reference) => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { list: ['a'] }, 'c1'],
        ['Core/echo', { '#ids': reference, other: 1 }, 'c2'],
        ['Core/echo', { last: true }, 'c3'],
      ],
    );
    expect(methodResponses[1]).toEqual([
      'error',
      expect.objectContaining({ type: 'invalidResultReference' }),
      'c2',
    ]);
    expect(methodResponses[2]).toEqual(['Core/echo', { last: true }, 'c3']);
  });

  it('rejects a reference to a call that failed, whose response is named "error"', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Foo/fail', {}, 'c1'],
        ['Core/echo', { '#x': ref('c1', 'Foo/fail', '/type') }, 'c2'],
      ],
    );
    expect((methodResponses[1][1] as { type: string }).type).toBe('invalidResultReference');
  });

  it('rejects "foo" and "#foo" together with invalidArguments', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Core/echo', { list: ['a'] }, 'c1'],
        ['Core/echo', { ids: ['b'], '#ids': ref('c1', 'Core/echo', '/list') }, 'c2'],
      ],
    );
    expect(methodResponses[1]).toEqual([
      'error',
      expect.objectContaining({ type: 'invalidArguments' }),
      'c2',
    ]);
  });

  it('can reference an implicit response by its own name', async () => {
    const { methodResponses } = await run(
      [CORE],
      [
        ['Foo/copy', {}, 'c1'],
        ['Core/echo', { '#d': ref('c1', 'Foo/copy', '/created/k1/id') }, 'c2'],
      ],
    );
    expect(methodResponses[2]).toEqual(['Core/echo', { d: 'f9' }, 'c2']);
  });
});

describe('dispatch: createdIds (RFC 8620 sections 3.3 and 5.3)', () => {
  it('starts from the createdIds the client sent and returns them with the ids created in the request', async () => {
    const result = await run([CORE], [['Foo/set', { create: { k2: {} } }, 'c1']], { k1: 'F0' });
    expect(Object.fromEntries(result.createdIds)).toEqual({ k1: 'F0', k2: 'F2' });
  });

  it('shares one creation-id map across the calls of a request', async () => {
    const seen: Array<Record<string, string>> = [];
    const reg = registry().register(
      method('Foo/peek', async (_args, ctx: MethodContext) => {
        seen.push(Object.fromEntries(ctx.createdIds));
        return {};
      }),
    );
    await dispatch(
      reg,
      {
        using: [CORE],
        methodCalls: [
          ['Foo/set', { create: { a: {} } }, 'c1'],
          ['Foo/peek', {}, 'c2'],
        ],
      },
      env(),
    );
    expect(seen).toEqual([{ a: 'F1' }]);
  });
});
