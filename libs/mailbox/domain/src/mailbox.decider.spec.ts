/**
 * Mailbox decider rules (RFC 8621 section 2 and 2.5, rfc-clarifications Q17/Q18), in given/when/then form:
 * given the events so far, when a Mailbox/set arrives, then these events and this per-object outcome.
 */
import { describe, expect, it } from 'vitest';
import type { MailboxEvent, MailboxSetPayload } from '@jmap/mailbox-contracts';
import { decideCreateDefaults, decideSet, type SetDecision } from './mailbox.decider.js';
import { evolve, type Mailbox, type MailboxCounts, type MailboxState } from './mailbox.js';

const LIMITS = { maxMailboxDepth: 3, maxSizeMailboxName: 100, mayCreateTopLevelMailbox: true };

function given(events: MailboxEvent[], counts: Record<string, Partial<MailboxCounts>> = {}) {
  const mailboxes = new Map<string, Mailbox>();
  for (const e of events) evolve(mailboxes, e);
  const state: MailboxState = {
    state: String(events.length),
    mailboxes,
    counts: new Map(Object.entries(counts).map(([id, c]) => [id, { totalEmails: 0, unreadEmails: 0, totalThreads: 0, unreadThreads: 0, ...c }])),
  };
  let n = 0;
  return {
    when(cmd: Partial<MailboxSetPayload>): SetDecision & { ok: true } {
      const d = decideSet(state, { ifInState: null, create: {}, update: {}, destroy: [], onDestroyRemoveEmails: false, createdIds: {}, limits: LIMITS, ...cmd }, { newId: () => `new${++n}` });
      if (!d.ok) throw new Error('unexpected stateMismatch');
      return d;
    },
    whenRaw(cmd: Partial<MailboxSetPayload>): SetDecision {
      return decideSet(state, { ifInState: null, create: {}, update: {}, destroy: [], onDestroyRemoveEmails: false, createdIds: {}, limits: LIMITS, ...cmd }, { newId: () => `new${++n}` });
    },
  };
}

const created = (id: string, name: string, extra: Partial<Mailbox> = {}): MailboxEvent => ({
  type: 'MailboxCreated',
  v: 1,
  data: { id, name, parentId: null, role: null, sortOrder: 0, isSubscribed: true, ...extra },
});

describe('Mailbox/set create', () => {
  it('creates a mailbox with the defaults of RFC 8621 section 2 and reports the server-set and defaulted properties', () => {
    const d = given([]).when({ create: { a: { name: 'Work' } } });
    expect(d.events).toEqual([created('new1', 'Work')]);
    expect(d.reply.created.a).toMatchObject({ id: 'new1', parentId: null, role: null, sortOrder: 0, isSubscribed: true, totalEmails: 0 });
    expect(d.reply.created.a).not.toHaveProperty('name');
    expect(d.reply.createdIds).toEqual({ a: 'new1' });
  });

  it('resolves a parent created later in the same call by its creation id (RFC 8620 section 5.3 ordering)', () => {
    const d = given([]).when({ create: { child: { name: 'C', parentId: '#root' }, root: { name: 'R' } } });
    expect(d.events.map((e) => e.type)).toEqual(['MailboxCreated', 'MailboxCreated']);
    const root = d.reply.createdIds.root;
    expect(d.events[1]).toMatchObject({ data: { name: 'C', parentId: root } });
  });

  it('resolves a parent created earlier in the request through createdIds', () => {
    const d = given([created('m1', 'Parent')]).when({ create: { c: { name: 'Kid', parentId: '#p' } }, createdIds: { p: 'm1' } });
    expect(d.events[0]).toMatchObject({ data: { parentId: 'm1' } });
  });

  it('rejects a duplicate sibling name with alreadyExists (rfc-clarifications Q17) but allows it under another parent', () => {
    const d = given([created('m1', 'A'), created('m2', 'B')]).when({ create: { x: { name: 'A' }, y: { name: 'A', parentId: 'm2' } } });
    expect(d.reply.notCreated.x).toMatchObject({ type: 'alreadyExists', existingId: 'm1' });
    expect(d.reply.created.y).toBeDefined();
  });

  it('rejects a second mailbox with the same role, an unknown role and an upper-case role', () => {
    const d = given([created('m1', 'Inbox', { role: 'inbox' })]).when({
      create: { a: { name: 'In2', role: 'inbox' }, b: { name: 'X', role: 'nonsense' }, c: { name: 'Y', role: 'Trash' } },
    });
    expect(d.reply.notCreated.a).toMatchObject({ type: 'invalidProperties', properties: ['role'] });
    expect(d.reply.notCreated.b).toMatchObject({ type: 'invalidProperties', properties: ['role'] });
    expect(d.reply.notCreated.c).toMatchObject({ type: 'invalidProperties', properties: ['role'] });
    expect(d.events).toEqual([]);
  });

  it('rejects a missing parent, an empty name, a name over maxSizeMailboxName octets and a bad sortOrder', () => {
    const d = given([]).when({
      create: {
        a: { name: 'A', parentId: 'nope' },
        b: { name: '' },
        c: { name: 'é'.repeat(51) },
        d: { name: 'D', sortOrder: 2 ** 31 },
        e: { name: 'E', isSubscribed: 'yes' },
      },
    });
    expect(d.reply.notCreated.a).toMatchObject({ type: 'invalidProperties', properties: ['parentId'] });
    expect(d.reply.notCreated.b).toMatchObject({ properties: ['name'] });
    expect(d.reply.notCreated.c).toMatchObject({ properties: ['name'] });
    expect(d.reply.notCreated.d).toMatchObject({ properties: ['sortOrder'] });
    expect(d.reply.notCreated.e).toMatchObject({ properties: ['isSubscribed'] });
  });

  it('rejects server-set and unknown properties on create', () => {
    const d = given([]).when({ create: { a: { name: 'A', totalEmails: 3 }, b: { name: 'B', colour: 'red' } } });
    expect(d.reply.notCreated.a).toMatchObject({ type: 'invalidProperties', properties: ['totalEmails'] });
    expect(d.reply.notCreated.b).toMatchObject({ type: 'invalidProperties', properties: ['colour'] });
  });

  it('enforces maxMailboxDepth', () => {
    const d = given([created('m1', 'L1'), created('m2', 'L2', { parentId: 'm1' }), created('m3', 'L3', { parentId: 'm2' })]).when({
      create: { deep: { name: 'L4', parentId: 'm3' } },
    });
    expect(d.reply.notCreated.deep).toMatchObject({ type: 'invalidProperties', properties: ['parentId'] });
  });

  it('refuses top-level creation when mayCreateTopLevelMailbox is false', () => {
    const d = given([]).when({ create: { a: { name: 'A' } }, limits: { ...LIMITS, mayCreateTopLevelMailbox: false } });
    expect(d.reply.notCreated.a).toMatchObject({ type: 'forbidden' });
  });
});

describe('Mailbox/set update', () => {
  it('renames and moves a mailbox, emitting only the changed properties', () => {
    const d = given([created('m1', 'A'), created('m2', 'B')]).when({ update: { m1: { name: 'A2', parentId: 'm2' } } });
    expect(d.events).toEqual([{ type: 'MailboxUpdated', v: 1, data: { id: 'm1', changes: { name: 'A2', parentId: 'm2' } } }]);
    expect(d.reply.updated).toEqual({ m1: null });
  });

  it('rejects a parent cycle', () => {
    const d = given([created('m1', 'A'), created('m2', 'B', { parentId: 'm1' })]).when({ update: { m1: { parentId: 'm2' } } });
    expect(d.reply.notUpdated.m1).toMatchObject({ type: 'invalidProperties', properties: ['parentId'] });
  });

  it('accepts server-set properties equal to the current value and rejects changed ones (RFC 8620 section 5.3)', () => {
    const d = given([created('m1', 'A')], { m1: { totalEmails: 4 } }).when({
      update: { m1: { name: 'B', totalEmails: 4 } },
    });
    expect(d.reply.updated).toEqual({ m1: null });
    const d2 = given([created('m1', 'A')]).when({ update: { m1: { totalEmails: 9 } } });
    expect(d2.reply.notUpdated.m1).toMatchObject({ type: 'invalidProperties', properties: ['totalEmails'] });
  });

  it('answers notFound for an unknown id and invalidPatch for an overlapping patch', () => {
    const d = given([created('m1', 'A')]).when({ update: { zz: { name: 'x' }, m1: { myRights: {}, 'myRights/mayRename': true } } });
    expect(d.reply.notUpdated.zz).toMatchObject({ type: 'notFound' });
    expect(d.reply.notUpdated.m1).toMatchObject({ type: 'invalidPatch' });
  });

  it('forbids renaming the Inbox (its myRights.mayRename is false)', () => {
    const d = given([created('m1', 'Inbox', { role: 'inbox' })]).when({ update: { m1: { name: 'Eingang' } } });
    expect(d.reply.notUpdated.m1).toMatchObject({ type: 'forbidden' });
  });

  it('rejects a rename onto a sibling name', () => {
    const d = given([created('m1', 'A'), created('m2', 'B')]).when({ update: { m2: { name: 'A' } } });
    expect(d.reply.notUpdated.m2).toMatchObject({ type: 'alreadyExists' });
  });
});

describe('Mailbox/set destroy', () => {
  it('destroys a leaf mailbox', () => {
    const d = given([created('m1', 'A')]).when({ destroy: ['m1'] });
    expect(d.events).toEqual([{ type: 'MailboxDestroyed', v: 1, data: { id: 'm1' } }]);
    expect(d.reply.destroyed).toEqual(['m1']);
  });

  it('refuses a mailbox with children with mailboxHasChild, even with onDestroyRemoveEmails (rfc-clarifications Q18)', () => {
    const d = given([created('m1', 'A'), created('m2', 'B', { parentId: 'm1' })], { m1: { totalEmails: 2 } }).when({
      destroy: ['m1'],
      onDestroyRemoveEmails: true,
    });
    expect(d.reply.notDestroyed.m1).toMatchObject({ type: 'mailboxHasChild' });
    expect(d.events).toEqual([]);
    expect(d.destroyedWithEmails).toEqual([]);
  });

  it('destroys a parent and its child in one call, child first', () => {
    const d = given([created('m1', 'A'), created('m2', 'B', { parentId: 'm1' })]).when({ destroy: ['m1', 'm2'] });
    expect(d.reply.destroyed).toEqual(['m2', 'm1']);
  });

  it('refuses a mailbox with emails with mailboxHasEmail unless onDestroyRemoveEmails', () => {
    const g = given([created('m1', 'A')], { m1: { totalEmails: 1 } });
    expect(g.when({ destroy: ['m1'] }).reply.notDestroyed.m1).toMatchObject({ type: 'mailboxHasEmail' });
    const d = g.when({ destroy: ['m1'], onDestroyRemoveEmails: true });
    expect(d.reply.destroyed).toEqual(['m1']);
    expect(d.destroyedWithEmails).toEqual(['m1']);
  });

  it('forbids destroying the Inbox and answers notFound for unknown ids', () => {
    const d = given([created('m1', 'Inbox', { role: 'inbox' })]).when({ destroy: ['m1', 'zz'] });
    expect(d.reply.notDestroyed.m1).toMatchObject({ type: 'forbidden' });
    expect(d.reply.notDestroyed.zz).toMatchObject({ type: 'notFound' });
  });
});

describe('Mailbox/set ifInState', () => {
  it('rejects the whole call with stateMismatch when ifInState differs (RFC 8620 section 5.3)', () => {
    expect(given([created('m1', 'A')]).whenRaw({ ifInState: '0', destroy: ['m1'] })).toEqual({ ok: false, error: 'stateMismatch' });
    expect(given([created('m1', 'A')]).whenRaw({ ifInState: '1', destroy: ['m1'] }).ok).toBe(true);
  });
});

describe('default mailboxes', () => {
  it('creates inbox, drafts, sent, archive, junk and trash once', () => {
    let n = 0;
    const first = decideCreateDefaults({ state: '0', mailboxes: new Map(), counts: new Map() }, { newId: () => `d${++n}` });
    expect(Object.keys(first.created)).toEqual(['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash']);
    const mailboxes = new Map<string, Mailbox>();
    for (const e of first.events) evolve(mailboxes, e);
    const again = decideCreateDefaults({ state: '6', mailboxes, counts: new Map() }, { newId: () => `d${++n}` });
    expect(again.events).toEqual([]);
  });
});
