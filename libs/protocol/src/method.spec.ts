import { describe, expect, it } from 'vitest';
import { Args } from './args.js';
import { CORE, MAIL } from './capabilities.js';
import { MethodError } from './errors.js';
import { requireAccount, type AccountAccess } from './method.js';

const account = (accountId: string, over: Partial<AccountAccess> = {}): AccountAccess => ({
  accountId,
  name: `${accountId}@example.com`,
  isPersonal: true,
  isReadOnly: false,
  capabilities: new Set([CORE, MAIL]),
  ...over,
});

const ctx = {
  accounts: new Map([
    ['A1', account('A1')],
    ['R1', account('R1', { isReadOnly: true, isPersonal: false })],
    ['C1', account('C1', { capabilities: new Set([CORE]) })],
  ]),
};

function errorType(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof MethodError) return err.type;
    throw err;
  }
  return 'none';
}

describe('requireAccount (RFC 8620 section 3.6.2)', () => {
  it('returns an account the principal may use for the capability', () => {
    expect(requireAccount(ctx, 'A1', MAIL).accountId).toBe('A1');
  });

  it('rejects a missing accountId with invalidArguments, never defaulting to the primary account (clarification Q5)', () => {
    expect(errorType(() => requireAccount(ctx, undefined, MAIL))).toBe('invalidArguments');
    expect(errorType(() => requireAccount(ctx, 42, MAIL))).toBe('invalidArguments');
  });

  it('answers accountNotFound for an account that does not exist or that the principal may not use (invariant 7)', () => {
    expect(errorType(() => requireAccount(ctx, 'Z9', MAIL))).toBe('accountNotFound');
  });

  it('answers accountNotSupportedByMethod when the account lacks the capability', () => {
    expect(errorType(() => requireAccount(ctx, 'C1', MAIL))).toBe('accountNotSupportedByMethod');
  });

  it('answers accountReadOnly for a write to a read-only account, and allows reads', () => {
    expect(errorType(() => requireAccount(ctx, 'R1', MAIL, { write: true }))).toBe('accountReadOnly');
    expect(requireAccount(ctx, 'R1', MAIL).accountId).toBe('R1');
  });

  it('answers fromAccountNotFound and fromAccountNotSupportedByMethod for the source of a copy (RFC 8620 section 5.4)', () => {
    expect(errorType(() => requireAccount(ctx, 'Z9', MAIL, { argName: 'fromAccountId' }))).toBe(
      'fromAccountNotFound',
    );
    expect(errorType(() => requireAccount(ctx, 'C1', MAIL, { argName: 'fromAccountId' }))).toBe(
      'fromAccountNotSupportedByMethod',
    );
  });
});

describe('Args (RFC 8620 sections 1.2, 1.3 and 3.9)', () => {
  it('accepts Ids of 1 to 255 URL-safe base64 characters and nothing else', () => {
    expect(new Args({ id: 'Ab-_9' }).requiredId('id')).toBe('Ab-_9');
    expect(new Args({ id: 'x'.repeat(255) }).requiredId('id')).toHaveLength(255);
    for (const bad of ['', 'x'.repeat(256), 'a=b', 'a b', 'é', 7]) {
      expect(errorType(() => new Args({ id: bad }).requiredId('id'))).toBe('invalidArguments');
    }
  });

  it('rejects an argument the method does not define with invalidArguments', () => {
    const args = new Args({ accountId: 'A1', bogus: true });
    args.requiredId('accountId');
    expect(errorType(() => args.done())).toBe('invalidArguments');
  });

  it('treats a missing or null optional argument as its default (RFC 8620 section 3.5)', () => {
    const args = new Args({ position: null });
    expect(args.int('position', 0)).toBe(0);
    expect(args.boolean('calculateTotal', false)).toBe(false);
    expect(args.unsignedInt('limit')).toBeNull();
    args.done();
  });

  it('accepts only safe integers as Int and non-negative ones as UnsignedInt', () => {
    expect(errorType(() => new Args({ n: 1.5 }).int('n', 0))).toBe('invalidArguments');
    expect(errorType(() => new Args({ n: 2 ** 53 }).int('n', 0))).toBe('invalidArguments');
    expect(errorType(() => new Args({ n: -1 }).unsignedInt('n'))).toBe('invalidArguments');
    expect(errorType(() => new Args({ n: '3' }).unsignedInt('n'))).toBe('invalidArguments');
    expect(new Args({ n: -(2 ** 53) + 1 }).int('n', 0)).toBe(-(2 ** 53) + 1);
  });

  it('removes repeated ids and keeps their order', () => {
    expect(new Args({ ids: ['b', 'a', 'b'] }).ids('ids')).toEqual(['b', 'a']);
  });
});
