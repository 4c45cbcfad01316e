/**
 * Identity decider rules (RFC 8621 section 6 and 6.3, RFC 8620 section 5.3): given the identities so far, when an
 * Identity/set arrives, then these events and this per-object outcome.
 */
import { describe, expect, it } from 'vitest';
import type { Identity, IdentityEvent, IdentitySetPayload } from '@jmap/identity-contracts';
import {
  decideCreateDefaultIdentity,
  decideIdentitySet,
  evolveIdentities,
  type IdentityState,
} from './identity.decider.js';

const DEFAULT: Identity = {
  id: 'I0',
  name: 'Ida',
  email: 'ida@example.com',
  replyTo: null,
  bcc: null,
  textSignature: '',
  htmlSignature: '',
  mayDelete: false,
};

function given(events: IdentityEvent[] = [{ type: 'IdentityCreated', v: 1, data: DEFAULT }]) {
  const identities = new Map<string, Identity>();
  for (const e of events) evolveIdentities(identities, e);
  const state: IdentityState = {
    state: String(events.length),
    identities,
    addresses: new Set(['ida@example.com', 'ida.alias@example.com']),
  };
  let n = 0;
  const decide = (cmd: Partial<IdentitySetPayload>) =>
    decideIdentitySet(
      state,
      { ifInState: null, create: {}, update: {}, destroy: [], ...cmd },
      { newId: () => `I${++n}` },
    );
  return {
    state,
    when(cmd: Partial<IdentitySetPayload>) {
      const d = decide(cmd);
      if (!d.ok) throw new Error('unexpected stateMismatch');
      return d;
    },
    whenRaw: decide,
  };
}

describe('Identity/set create (RFC 8621 6.3)', () => {
  it('creates with the defaults of RFC 8621 6 and returns the server-set and defaulted properties', () => {
    const d = given().when({ create: { a: { email: 'ida.alias@example.com', name: 'Alias' } } });
    expect(d.events).toEqual([
      {
        type: 'IdentityCreated',
        v: 1,
        data: {
          id: 'I1',
          name: 'Alias',
          email: 'ida.alias@example.com',
          replyTo: null,
          bcc: null,
          textSignature: '',
          htmlSignature: '',
          mayDelete: true,
        },
      },
    ]);
    expect(d.reply.created.a).toEqual({
      id: 'I1',
      mayDelete: true,
      replyTo: null,
      bcc: null,
      textSignature: '',
      htmlSignature: '',
    });
    expect(d.reply.createdIds).toEqual({ a: 'I1' });
  });

  it('accepts the account address in any case; forbiddenFrom for an address the account does not have', () => {
    const d = given().when({
      create: { ok: { email: 'IDA@Example.com' }, bad: { email: 'boss@example.com' } },
    });
    expect(Object.keys(d.reply.created)).toEqual(['ok']);
    expect(d.reply.notCreated.bad.type).toBe('forbiddenFrom');
    expect(d.events).toHaveLength(1);
  });

  it('invalidProperties: missing email, server-set id/mayDelete, unknown property, bad values', () => {
    const d = given().when({
      create: {
        none: {},
        id: { email: 'ida@example.com', id: 'x' },
        md: { email: 'ida@example.com', mayDelete: false },
        unknown: { email: 'ida@example.com', foo: 1 },
        email: { email: 'not-an-address' },
        reply: { email: 'ida@example.com', replyTo: [{ name: 'x' }] },
        bcc: { email: 'ida@example.com', bcc: 'x@example.com' },
        sig: { email: 'ida@example.com', textSignature: 7 },
        name: { email: 'ida@example.com', name: 'a\r\nBcc: evil@example.com' },
      },
    });
    const props = Object.fromEntries(
      Object.entries(d.reply.notCreated).map(([k, e]) => [k, [e.type, e.properties]]),
    );
    expect(props).toEqual({
      none: ['invalidProperties', ['email']],
      id: ['invalidProperties', ['id']],
      md: ['invalidProperties', ['mayDelete']],
      unknown: ['invalidProperties', ['foo']],
      email: ['invalidProperties', ['email']],
      reply: ['invalidProperties', ['replyTo']],
      bcc: ['invalidProperties', ['bcc']],
      sig: ['invalidProperties', ['textSignature']],
      name: ['invalidProperties', ['name']],
    });
    expect(d.events).toEqual([]);
  });
});

describe('Identity/set update and destroy', () => {
  it('updates only the changed properties; email is immutable, an equal value is not a change', () => {
    const g = given();
    const d = g.when({
      update: { I0: { name: 'Ida B.', email: 'ida@example.com', bcc: [{ email: 'arch@example.com' }] } },
    });
    expect(d.events).toEqual([
      {
        type: 'IdentityUpdated',
        v: 1,
        data: { id: 'I0', changes: { name: 'Ida B.', bcc: [{ name: null, email: 'arch@example.com' }] } },
      },
    ]);
    expect(d.reply.updated).toEqual({ I0: null });
    const bad = g.when({ update: { I0: { email: 'ida.alias@example.com' } } });
    expect(bad.reply.notUpdated.I0).toMatchObject({ type: 'invalidProperties', properties: ['email'] });
    const md = g.when({ update: { I0: { mayDelete: true } } });
    expect(md.reply.notUpdated.I0).toMatchObject({ type: 'invalidProperties', properties: ['mayDelete'] });
  });

  it('null resets a property to its default (RFC 8620 5.3)', () => {
    const g = given([
      {
        type: 'IdentityCreated',
        v: 1,
        data: { ...DEFAULT, textSignature: 'sig', replyTo: [{ name: null, email: 'r@example.com' }] },
      },
    ]);
    const d = g.when({ update: { I0: { textSignature: null, replyTo: null } } });
    expect(d.events).toEqual([
      { type: 'IdentityUpdated', v: 1, data: { id: 'I0', changes: { textSignature: '', replyTo: null } } },
    ]);
  });

  it('notFound for unknown ids; forbidden to destroy an identity with mayDelete false', () => {
    const g = given([
      { type: 'IdentityCreated', v: 1, data: DEFAULT },
      { type: 'IdentityCreated', v: 1, data: { ...DEFAULT, id: 'I9', mayDelete: true } },
    ]);
    const d = g.when({ update: { Ix: { name: 'x' } }, destroy: ['I0', 'Iy', 'I9'] });
    expect(d.reply.notUpdated.Ix.type).toBe('notFound');
    expect(d.reply.notDestroyed.I0.type).toBe('forbidden');
    expect(d.reply.notDestroyed.Iy.type).toBe('notFound');
    expect(d.reply.destroyed).toEqual(['I9']);
    expect(d.events).toEqual([{ type: 'IdentityDestroyed', v: 1, data: { id: 'I9' } }]);
  });

  it('invalidPatch for a pointer into an array', () => {
    const d = given().when({ update: { I0: { 'replyTo/0': { email: 'x@example.com' } } } });
    expect(d.reply.notUpdated.I0.type).toBe('invalidPatch');
  });

  it('ifInState that does not match is stateMismatch', () => {
    expect(given().whenRaw({ ifInState: '99' })).toEqual({ ok: false, error: 'stateMismatch' });
  });
});

describe('default identity', () => {
  it('is created once, with mayDelete false, for the account address', () => {
    const none = { identities: new Map<string, Identity>() };
    const e = decideCreateDefaultIdentity(
      none,
      { email: 'ida@example.com', name: 'Ida' },
      { newId: () => 'I1' },
    );
    expect(e).toEqual({
      type: 'IdentityCreated',
      v: 1,
      data: {
        id: 'I1',
        name: 'Ida',
        email: 'ida@example.com',
        replyTo: null,
        bcc: null,
        textSignature: '',
        htmlSignature: '',
        mayDelete: false,
      },
    });
    expect(
      decideCreateDefaultIdentity(
        given().state,
        { email: 'ida@example.com', name: 'Ida' },
        { newId: () => 'I2' },
      ),
    ).toBeNull();
    expect(decideCreateDefaultIdentity(none, { email: null, name: '' }, { newId: () => 'I3' })).toBeNull();
  });
});
