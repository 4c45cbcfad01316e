import { describe, expect, it } from 'vitest';
import { CORE, MAIL } from './capabilities.js';
import { RequestError } from './errors.js';
import { parseRequestBody, validateRequest } from './request.js';

const options = { knownCapabilities: new Set([CORE, MAIL]), maxCallsInRequest: 4 };

function requestError(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error('expected a RequestError');
}

const validate = (value: unknown) => validateRequest(value, options);

describe('parseRequestBody', () => {
  it('rejects a body that is not JSON with notJSON (RFC 8620 section 3.6.1)', () => {
    const err = requestError(() => parseRequestBody(Buffer.from('{"using": [')));
    expect(err.type).toBe('notJSON');
    expect(err.toProblem()).toMatchObject({ type: 'urn:ietf:params:jmap:error:notJSON', status: 400 });
  });

  it('rejects malformed UTF-8 with notJSON instead of repairing it, as I-JSON requires (RFC 8620 section 1.5)', () => {
    const body = Buffer.concat([
      Buffer.from('{"using":[],"methodCalls":[["Core/echo",{"s":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"},"c"]]}'),
    ]);
    expect(requestError(() => parseRequestBody(body)).type).toBe('notJSON');
  });

  it('parses well-formed UTF-8, keeping non-ASCII strings exactly', () => {
    expect(parseRequestBody(Buffer.from('{"s":"Grüße 🎉"}'))).toEqual({ s: 'Grüße 🎉' });
  });
});

describe('validateRequest', () => {
  it('accepts a Request object and ignores properties it does not know (RFC 8620 section 3.3)', () => {
    const req = validate({
      using: [CORE],
      methodCalls: [['Core/echo', { a: 1 }, 'c1']],
      futureExtension: true,
    });
    expect(req).toEqual({ using: [CORE], methodCalls: [['Core/echo', { a: 1 }, 'c1']] });
  });

  it('keeps createdIds when the client sends them (RFC 8620 section 3.3)', () => {
    expect(validate({ using: [CORE], methodCalls: [], createdIds: { k1: 'M1' } }).createdIds).toEqual({
      k1: 'M1',
    });
  });

  it.each([
    ['an array instead of an object', [[CORE], []]],
    ['null', null],
    ['a string', 'request'],
    ['an object without using', { methodCalls: [] }],
    ['using that is not an array of strings', { using: [CORE, 7], methodCalls: [] }],
    ['an object without methodCalls', { using: [CORE] }],
    ['methodCalls that is an object', { using: [CORE], methodCalls: {} }],
    ['an Invocation with two elements', { using: [CORE], methodCalls: [['Core/echo', {}]] }],
    ['an Invocation whose name is not a string', { using: [CORE], methodCalls: [[1, {}, 'c1']] }],
    ['an Invocation whose arguments are an array', { using: [CORE], methodCalls: [['Core/echo', [], 'c1']] }],
    ['an Invocation whose call id is not a string', { using: [CORE], methodCalls: [['Core/echo', {}, 1]] }],
    ['createdIds that is an array', { using: [CORE], methodCalls: [], createdIds: ['a'] }],
    ['createdIds with a non-string value', { using: [CORE], methodCalls: [], createdIds: { k1: 5 } }],
  ])(
    'rejects JSON that is not a Request (%s) with notRequest (RFC 8620 section 3.6.1, clarification Q1)',
    (_what, value) => {
      const err = requestError(() => validate(value));
      expect(err.type).toBe('notRequest');
      expect(err.status).toBe(400);
      expect(err.toProblem().type).toBe('urn:ietf:params:jmap:error:notRequest');
    },
  );

  it('rejects a capability the server does not support with unknownCapability at the HTTP level (RFC 8620 section 3.6.1, clarification Q3)', () => {
    const err = requestError(() =>
      validate({ using: [CORE, 'https://example.com/apis/foobar'], methodCalls: [] }),
    );
    expect(err.type).toBe('unknownCapability');
    expect(err.status).toBe(400);
    expect(err.toProblem()).toMatchObject({
      type: 'urn:ietf:params:jmap:error:unknownCapability',
      status: 400,
      capabilities: ['https://example.com/apis/foobar'],
    });
  });

  it('accepts an empty using array: the calls fail one by one instead (clarification Q4)', () => {
    expect(validate({ using: [], methodCalls: [['Core/echo', {}, 'c1']] }).using).toEqual([]);
  });

  it('rejects more calls than maxCallsInRequest with a limit error naming the limit (RFC 8620 section 3.6.1)', () => {
    const calls = Array.from({ length: 5 }, (_, i) => ['Core/echo', {}, `c${i}`]);
    const err = requestError(() => validate({ using: [CORE], methodCalls: calls }));
    expect(err.type).toBe('limit');
    expect(err.toProblem()).toMatchObject({
      type: 'urn:ietf:params:jmap:error:limit',
      limit: 'maxCallsInRequest',
      status: 400,
    });
  });

  it('accepts exactly maxCallsInRequest calls', () => {
    const calls = Array.from({ length: 4 }, (_, i) => ['Core/echo', {}, `c${i}`]);
    expect(validate({ using: [CORE], methodCalls: calls }).methodCalls).toHaveLength(4);
  });
});
