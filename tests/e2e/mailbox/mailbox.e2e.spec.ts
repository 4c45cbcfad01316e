/**
 * Mailboxes through the whole distributed path (issue 5): HTTP → gateway → Kafka → mailbox service → events
 * and projections in Postgres → reads from the read model. RFC 8621 section 2 and rfc-clarifications Q17/Q18.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type JmapTestClient, type TestStack } from '@jmap/testing';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
let stack: TestStack;
let client: JmapTestClient;
let accountId: string;

type Args = Record<string, unknown>;

async function call(name: string, args: Args): Promise<[string, Args]> {
  const res = await client.api(USING, [[name, { accountId, ...args }, 'c']]);
  expect(res.status).toBe(200);
  const [responseName, responseArgs] = res.body.methodResponses[0];
  return [responseName, responseArgs];
}

async function set(args: Args): Promise<Args> {
  const [name, result] = await call('Mailbox/set', args);
  expect(name, JSON.stringify(result)).toBe('Mailbox/set');
  return result;
}

async function all(): Promise<Args[]> {
  const [, r] = await call('Mailbox/get', { ids: null });
  return r.list as Args[];
}

beforeAll(async () => {
  // The thread service projects every account's log too: the rebuild at the end verifies its position.
  stack = await startTestStack({ services: ['gateway', 'mailbox-service', 'thread-service'], env: { MAX_MAILBOX_DEPTH: '10' } });
  ({ accountId } = await stack.createAccount('mailbox-owner@example.com', 'mailbox-password'));
  client = stack.client({ email: 'mailbox-owner@example.com', password: 'mailbox-password' });
});

afterAll(async () => {
  await stack?.stop();
});

describe('new accounts', () => {
  it('get the standard mailboxes with their roles (inbox, drafts, sent, archive, junk, trash)', async () => {
    const roles = (await all()).map((m) => m.role).sort();
    expect(roles).toEqual(['archive', 'drafts', 'inbox', 'junk', 'sent', 'trash']);
  });

  it('advertise the mail capability limits in the session', async () => {
    const { body } = await client.session();
    const accounts = body.accounts as Record<string, { accountCapabilities: Record<string, Args> }>;
    expect(accounts[accountId].accountCapabilities['urn:ietf:params:jmap:mail']).toMatchObject({
      maxMailboxDepth: 10,
      maxSizeMailboxName: 255,
      mayCreateTopLevelMailbox: true,
    });
    expect((body.primaryAccounts as Args)['urn:ietf:params:jmap:mail']).toBe(accountId);
  });
});

describe('Mailbox/get (RFC 8621 section 2.1)', () => {
  it('returns every property, only the requested ones plus id, and notFound for unknown ids', async () => {
    const inbox = (await all()).find((m) => m.role === 'inbox')!;
    expect(Object.keys(inbox).sort()).toEqual(
      ['id', 'isSubscribed', 'myRights', 'name', 'parentId', 'role', 'sortOrder', 'totalEmails', 'totalThreads', 'unreadEmails', 'unreadThreads'].sort(),
    );
    expect(inbox.myRights).toMatchObject({ mayRename: false, mayDelete: false, mayReadItems: true });
    const [, r] = await call('Mailbox/get', { ids: [inbox.id, 'Mnope'], properties: ['name'] });
    expect(r.list).toEqual([{ id: inbox.id, name: 'Inbox' }]);
    expect(r.notFound).toEqual(['Mnope']);
  });

  it('rejects an unknown property with invalidArguments', async () => {
    expect(await call('Mailbox/get', { ids: null, properties: ['colour'] })).toEqual(['error', expect.objectContaining({ type: 'invalidArguments' })]);
  });
});

describe('Mailbox/set errors (RFC 8621 section 2.5)', () => {
  it('names each rejected object with the SetError the RFC and the clarifications name', async () => {
    const mailboxes = await all();
    const inbox = mailboxes.find((m) => m.role === 'inbox')!;
    const parent = await set({ create: { p: { name: 'Parent' } } });
    const parentId = (parent.created as Record<string, Args>).p.id as string;
    await set({ create: { c: { name: 'Child', parentId } } });
    const r = await set({
      create: {
        dupName: { name: 'Parent' },
        dupRole: { name: 'Other inbox', role: 'inbox' },
        noParent: { name: 'Orphan', parentId: 'Mmissing' },
      },
      update: { [inbox.id as string]: { name: 'Renamed inbox' }, [parentId]: { parentId: (await all()).find((m) => m.name === 'Child')!.id } },
      destroy: [parentId, inbox.id, 'Mmissing'],
    });
    expect(r.notCreated).toMatchObject({
      dupName: { type: 'alreadyExists', existingId: parentId },
      dupRole: { type: 'invalidProperties', properties: ['role'] },
      noParent: { type: 'invalidProperties', properties: ['parentId'] },
    });
    expect(r.notUpdated).toMatchObject({ [inbox.id as string]: { type: 'forbidden' }, [parentId]: { type: 'invalidProperties', properties: ['parentId'] } });
    expect(r.notDestroyed).toMatchObject({ [parentId]: { type: 'mailboxHasChild' }, [inbox.id as string]: { type: 'forbidden' }, Mmissing: { type: 'notFound' } });
    expect(r.created).toBeNull();
  });

  it('refuses a mailbox with children even with onDestroyRemoveEmails (rfc-clarifications Q18)', async () => {
    const r = await set({ create: { a: { name: 'Q18 parent' }, b: { name: 'Q18 child', parentId: '#a' } } });
    const a = (r.created as Record<string, Args>).a.id as string;
    const d = await set({ destroy: [a], onDestroyRemoveEmails: true });
    expect(d.notDestroyed).toMatchObject({ [a]: { type: 'mailboxHasChild' } });
    expect((await all()).some((m) => m.id === a)).toBe(true);
  });

  it('enforces maxMailboxDepth and maxSizeMailboxName', async () => {
    const chain: Args = {};
    for (let i = 1; i <= 11; i++) chain[`d${i}`] = { name: `Level ${i}`, ...(i > 1 ? { parentId: `#d${i - 1}` } : {}) };
    const r = await set({ create: { ...chain, long: { name: 'x'.repeat(256) } } });
    expect(Object.keys(r.created as Args)).toHaveLength(10);
    expect(r.notCreated).toMatchObject({ d11: { type: 'invalidProperties', properties: ['parentId'] }, long: { type: 'invalidProperties', properties: ['name'] } });
  });

  it('answers invalidArguments for an argument Mailbox/set does not define', async () => {
    expect((await call('Mailbox/set', { colour: 'red' }))[1]).toMatchObject({ type: 'invalidArguments' });
  });

  it('leaves everything unchanged when ifInState does not match (stateMismatch)', async () => {
    const before = await all();
    const [, got] = await call('Mailbox/get', { ids: [] });
    const [name, r] = await call('Mailbox/set', { ifInState: '1', create: { x: { name: 'Never' } }, destroy: [before[0].id] });
    expect(name).toBe('error');
    expect(r.type).toBe('stateMismatch');
    expect(await all()).toEqual(before);
    const [, after] = await call('Mailbox/get', { ids: [] });
    expect(after.state).toBe(got.state);
    // The same call with the right state goes through.
    const ok = await set({ ifInState: got.state, create: { x: { name: 'Now' } } });
    expect(ok.oldState).toBe(got.state);
    expect(ok.created).toHaveProperty('x');
  });
});

describe('a tree of 200 mailboxes in one Mailbox/set', () => {
  it('creates all of them with creation-id parents, and sortAsTree/filterAsTree order them as a tree', async () => {
    const create: Record<string, Args> = {};
    // 10 roots, each with 19 descendants in chains of varying depth; listed children-first to force reordering.
    for (let r = 0; r < 10; r++) {
      for (let k = 19; k >= 1; k--) {
        const parent = k <= 3 ? `r${r}` : `r${r}n${k - 3}`;
        create[`r${r}n${k}`] = { name: `Node ${r}-${String(k).padStart(2, '0')}`, parentId: `#${parent}`, sortOrder: 100 - k };
      }
      create[`r${r}`] = { name: `Tree ${String(9 - r)}`, sortOrder: 0 };
    }
    expect(Object.keys(create)).toHaveLength(200);
    const r = await set({ create });
    expect(r.notCreated).toBeNull();
    const ids = r.created as Record<string, Args>;
    expect(Object.keys(ids)).toHaveLength(200);

    const list = (await all()).filter((m) => typeof m.name === 'string' && /^(Tree|Node) /.test(m.name as string));
    const byId = new Map(list.map((m) => [m.id as string, m]));
    expect(byId.get(ids.r0n5.id as string)!.parentId).toBe(ids.r0n2.id);

    const [, q] = await call('Mailbox/query', {
      filter: { operator: 'OR', conditions: [{ name: 'Tree ' }, { name: 'Node ' }] },
      sort: [{ property: 'sortOrder' }, { property: 'name' }],
      sortAsTree: true,
    });
    const order = q.ids as string[];
    expect(order).toHaveLength(200);
    const position = new Map(order.map((id, i) => [id, i]));
    for (const id of order) {
      const m = byId.get(id)!;
      if (m.parentId) expect(position.get(m.parentId as string)!).toBeLessThan(position.get(id)!);
    }
    // Roots in name order (all sortOrder 0): Tree 0 … Tree 9 = r9 … r0.
    const roots = order.filter((id) => byId.get(id)!.parentId === null).map((id) => byId.get(id)!.name);
    expect(roots).toEqual(Array.from({ length: 10 }, (_, i) => `Tree ${i}`));

    // filterAsTree: filtering out one node removes its whole subtree.
    const [, ft] = await call('Mailbox/query', {
      filter: { operator: 'NOT', conditions: [{ name: 'Node 0-02' }] },
      sort: [{ property: 'name' }],
      sortAsTree: true,
      filterAsTree: true,
    });
    const kept = new Set(ft.ids as string[]);
    expect(kept.has(ids.r0n2.id as string)).toBe(false);
    expect(kept.has(ids.r0n5.id as string)).toBe(false); // a descendant of Node 0-02
    expect(kept.has(ids.r0n1.id as string)).toBe(true);
  });
});

describe('/changes and /queryChanges over a scripted history (RFC 8620 sections 5.2 and 5.6)', () => {
  it('reproduce the current result from every earlier state, also paged with maxChanges', async () => {
    const [, g0] = await call('Mailbox/get', { ids: [] });
    const states: string[] = [g0.state as string];
    const queryArgs = { filter: { name: 'Hist' }, sort: [{ property: 'name' }] };
    const [, q0] = await call('Mailbox/query', queryArgs);
    const queryStates: Array<[string, string[]]> = [[q0.queryState as string, q0.ids as string[]]];
    const snapshots = new Map<string, Map<string, Args>>([[states[0], new Map((await all()).map((m) => [m.id as string, m]))]]);

    const steps: Args[] = [
      { create: { a: { name: 'Hist A' }, b: { name: 'Hist B' }, c: { name: 'Hist C' } } },
      { update: { '#a': { name: 'Hist A2' } } },
      { destroy: ['#b'] },
      { create: { d: { name: 'Hist D', parentId: '#c' } } },
      { update: { '#c': { isSubscribed: false, sortOrder: 5 } } },
      { create: { e: { name: 'Hist E' } }, destroy: ['#d'] },
      { update: { '#a': { name: 'Zz Hist A3' } } },
    ];
    const createdIds: Record<string, string> = {};
    for (const step of steps) {
      const res = await client.api(USING, [['Mailbox/set', { accountId, ...step }, 's']], createdIds);
      const [name, r] = res.body.methodResponses[0];
      expect(name, JSON.stringify(r)).toBe('Mailbox/set');
      Object.assign(createdIds, res.body.createdIds);
      states.push(r.newState as string);
      snapshots.set(r.newState as string, new Map((await all()).map((m) => [m.id as string, m])));
      const [, q] = await call('Mailbox/query', queryArgs);
      queryStates.push([q.queryState as string, q.ids as string[]]);
    }
    const current = snapshots.get(states[states.length - 1])!;

    for (const since of states) {
      for (const maxChanges of [undefined, 1, 2]) {
        const cache = new Map(snapshots.get(since)!);
        let state = since;
        for (let pages = 0; pages < 50; pages++) {
          const [, ch] = await call('Mailbox/changes', { sinceState: state, ...(maxChanges ? { maxChanges } : {}) });
          const total = (ch.created as string[]).length + (ch.updated as string[]).length + (ch.destroyed as string[]).length;
          if (maxChanges) expect(total).toBeLessThanOrEqual(maxChanges);
          for (const id of ch.destroyed as string[]) cache.delete(id);
          const [, got] = await call('Mailbox/get', { ids: [...(ch.created as string[]), ...(ch.updated as string[])] });
          for (const m of got.list as Args[]) cache.set(m.id as string, m);
          state = ch.newState as string;
          if (!ch.hasMoreChanges) break;
        }
        expect(state).toBe(states[states.length - 1]);
        expect(new Map([...cache].sort())).toEqual(new Map([...current].sort()));
      }
    }

    const finalIds = queryStates[queryStates.length - 1][1];
    for (const [queryState, oldIds] of queryStates) {
      const [, qc] = await call('Mailbox/queryChanges', { ...queryArgs, sinceQueryState: queryState });
      const ids = oldIds.filter((id) => !(qc.removed as string[]).includes(id));
      for (const { id, index } of (qc.added as Array<{ id: string; index: number }>).sort((x, y) => x.index - y.index)) ids.splice(index, 0, id);
      expect(ids).toEqual(finalIds);
      expect(qc.newQueryState).toBe(queryStates[queryStates.length - 1][0]);
    }
  });

  it('answers cannotCalculateChanges for a state it never issued and tooManyChanges past maxChanges', async () => {
    expect((await call('Mailbox/changes', { sinceState: 'bogus' }))[1]).toMatchObject({ type: 'cannotCalculateChanges' });
    expect((await call('Mailbox/changes', { sinceState: '999999999' }))[1]).toMatchObject({ type: 'cannotCalculateChanges' });
    expect((await call('Mailbox/changes', { sinceState: '0', maxChanges: 0 }))[1]).toMatchObject({ type: 'invalidArguments' });
    expect((await call('Mailbox/queryChanges', { sinceQueryState: '0', maxChanges: 1 }))[1]).toMatchObject({ type: 'tooManyChanges' });
  });
});

describe('Mailbox/query filters (RFC 8621 section 2.3)', () => {
  it('filters by role, hasAnyRole, parentId and isSubscribed, and rejects unknown filters and sorts', async () => {
    const [, byRole] = await call('Mailbox/query', { filter: { role: 'trash' } });
    expect(byRole.ids).toHaveLength(1);
    const [, withRole] = await call('Mailbox/query', { filter: { hasAnyRole: true } });
    expect(withRole.ids).toHaveLength(6);
    const [, top] = await call('Mailbox/query', { filter: { parentId: null, hasAnyRole: true }, calculateTotal: true });
    expect(top.total).toBe(6);
    const [, unsub] = await call('Mailbox/query', { filter: { isSubscribed: false } });
    expect((unsub.ids as string[]).length).toBeGreaterThan(0);
    expect((await call('Mailbox/query', { filter: { colour: 'red' } }))[1]).toMatchObject({ type: 'unsupportedFilter' });
    expect((await call('Mailbox/query', { sort: [{ property: 'totalEmails' }] }))[1]).toMatchObject({ type: 'unsupportedSort' });
  });
});

describe('rebuild from the event log (DESIGN.md invariant 5, issue 4)', () => {
  it('verifies the live read models, reports an injected difference, and a rebuild repairs it', async () => {
    const ok = await stack.admin(['rebuild', '--account', accountId, '--verify', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).accounts[0]).toMatchObject({ accountId, differences: [] });

    const inbox = (await all()).find((m) => m.role === 'inbox')!;
    await stack.db.query("UPDATE mailboxes SET name = 'Tampered' WHERE account_id = $1 AND id = $2", [accountId, inbox.id]);
    const bad = await stack.admin(['rebuild', '--account', accountId, '--verify', '--json']);
    expect(bad.code).toBe(1);
    const [difference] = JSON.parse(bad.stdout).accounts[0].differences;
    expect(difference.table).toBe('mailboxes');
    expect(difference.onlyLive).toEqual([expect.objectContaining({ id: inbox.id, name: 'Tampered' })]);
    expect(difference.onlyRebuilt).toEqual([expect.objectContaining({ id: inbox.id, name: 'Inbox' })]);
    // Verify changed nothing.
    expect((await all()).find((m) => m.id === inbox.id)!.name).toBe('Tampered');

    const rebuilt = await stack.admin(['rebuild', '--account', accountId]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect((await all()).find((m) => m.id === inbox.id)!.name).toBe('Inbox');
    expect((await stack.admin(['rebuild', '--all', '--verify'])).code).toBe(0);
  });
});
