/**
 * Threading, Thread/get, /changes and mailbox counts through the distributed path (issue 6): replies, arrival out
 * of order, equal subjects without references and references with another subject (RFC 8621 section 3); Thread/get
 * in the same request as the import (read-your-writes through the thread service's background projection);
 * Email/changes and Thread/changes from every earlier state of a scripted history reproduce the current sets, also
 * paged with maxChanges; and the mailbox counts equal a recount after every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  USING,
  call,
  importBlobs,
  ok,
  rfc5322,
  uploadAll,
  type Args,
  type EmailWorld,
  startEmailWorld,
} from './support.js';

let w: EmailWorld;

interface Snapshot {
  emailState: string;
  emails: Set<string>;
  threadState: string;
  threads: Set<string>;
}
const history: Snapshot[] = [];

async function snapshot(): Promise<Snapshot> {
  const e = await ok(w, 'Email/get', { ids: null, properties: ['id'] });
  const t = await ok(w, 'Thread/get', { ids: null });
  return {
    emailState: e.state as string,
    emails: new Set((e.list as Args[]).map((x) => x.id as string)),
    threadState: t.state as string,
    threads: new Set((t.list as Args[]).map((x) => x.id as string)),
  };
}

/** Imports messages into the given mailboxes; returns the created entries. */
async function importMessages(
  messages: string[],
  mailboxIds: string[] = [w.roles.inbox],
  extra: (i: number) => Args = () => ({}),
) {
  const blobIds = await uploadAll(w, messages);
  return importBlobs(w, blobIds, (i) => ({
    mailboxIds: Object.fromEntries(mailboxIds.map((m) => [m, true])),
    ...extra(i),
  }));
}

/** The counts of every mailbox recounted from the email rows themselves. */
async function recount(): Promise<Record<string, Args>> {
  const { rows } = await w.stack.db.query<{
    id: string;
    total_emails: number;
    unread_emails: number;
    total_threads: number;
    unread_threads: number;
  }>(
    `WITH m AS (
       SELECT unnest(mailbox_ids) AS mailbox_id, thread_id, NOT (keywords && ARRAY['$seen', '$draft']) AS unread
         FROM emails WHERE account_id = $1)
     SELECT b.id,
            count(m.mailbox_id)::int AS total_emails,
            count(m.mailbox_id) FILTER (WHERE m.unread)::int AS unread_emails,
            count(DISTINCT m.thread_id)::int AS total_threads,
            count(DISTINCT m.thread_id) FILTER (WHERE m.unread)::int AS unread_threads
       FROM mailboxes b LEFT JOIN m ON m.mailbox_id = b.id
      WHERE b.account_id = $1 GROUP BY b.id`,
    [w.accountId],
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.id,
      {
        totalEmails: r.total_emails,
        unreadEmails: r.unread_emails,
        totalThreads: r.total_threads,
        unreadThreads: r.unread_threads,
      },
    ]),
  );
}

async function expectCountsExact(): Promise<void> {
  const r = await ok(w, 'Mailbox/get', {
    ids: null,
    properties: ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'],
  });
  const served = Object.fromEntries((r.list as Args[]).map(({ id, ...counts }) => [id as string, counts]));
  expect(served).toEqual(await recount());
}

const created: Record<string, { id: string; threadId: string }> = {};
let project = '';
/** Index in history of the first snapshot after the Project mailbox was destroyed. */
let afterCascade = 0;

beforeAll(async () => {
  w = await startEmailWorld('threads@example.com');
  history.push(await snapshot());
  const step = async (
    names: string[],
    messages: string[],
    mailboxIds?: string[],
    extra?: (i: number) => Args,
  ) => {
    const result = await importMessages(messages, mailboxIds, extra);
    names.forEach((n, i) => (created[n] = result[i]));
    await expectCountsExact();
    history.push(await snapshot());
  };
  await step(
    ['root', 'lunch'],
    [rfc5322({ id: 'root@x', subject: 'Plans' }), rfc5322({ id: 'lunch1@x', subject: 'Lunch?' })],
  );
  await step(
    ['reply1', 'lunch2', 'hijack'],
    [
      rfc5322({ id: 'reply1@x', subject: 'Re: Plans', inReplyTo: 'root@x', references: ['root@x'] }),
      rfc5322({ id: 'lunch2@x', subject: 'Lunch?' }),
      rfc5322({
        id: 'hijack@x',
        subject: 'Something else entirely',
        inReplyTo: 'root@x',
        references: ['root@x'],
      }),
    ],
    undefined,
    (i) => (i === 0 ? { keywords: { $seen: true } } : {}),
  );
  // Out of order: a reply arrives before the message it replies to, which then joins the reply's thread.
  await step(
    ['earlyReply', 'reply2'],
    [
      rfc5322({ id: 'early-reply@x', subject: 'RE: [team] Late parent', references: ['late@x'] }),
      rfc5322({ id: 'reply2@x', subject: 'Fwd: Plans', references: ['reply1@x'] }),
    ],
  );
  await step(['lateParent'], [rfc5322({ id: 'late@x', subject: 'Late parent' })]);
  const box = await ok(w, 'Mailbox/set', { create: { p: { name: 'Project' } } });
  project = (box.created as Record<string, Args>).p.id as string;
  history.push(await snapshot());
  await step(
    ['both1', 'both2'],
    [
      rfc5322({ id: 'both1@x', subject: 'Both' }),
      rfc5322({ id: 'both2@x', subject: 'Re: Both', references: ['both1@x'] }),
    ],
    [w.roles.inbox, project],
  );
  await step(['only'], [rfc5322({ id: 'only@x', subject: 'Only in project' })], [project]);
  // Emails leave the destroyed mailbox: both1/both2 stay in the inbox (updated), "only" is destroyed.
  await ok(w, 'Mailbox/set', { destroy: [project], onDestroyRemoveEmails: true });
  await expectCountsExact();
  afterCascade = history.push(await snapshot()) - 1;
});

afterAll(async () => {
  await w?.stack.stop();
});

describe('threading (RFC 8621 section 3)', () => {
  it('puts replies in the thread of what they reply to, also when they arrive before their parent', () => {
    const plans = created.root.threadId;
    expect([created.reply1, created.reply2].map((c) => c.threadId)).toEqual([plans, plans]);
    expect(created.lateParent.threadId).toBe(created.earlyReply.threadId);
    expect(created.earlyReply.threadId).not.toBe(plans);
    expect(created.both2.threadId).toBe(created.both1.threadId);
  });

  it('keeps equal subjects without a shared message id apart, and a reference with another subject apart', () => {
    expect(created.lunch2.threadId).not.toBe(created.lunch.threadId);
    expect(created.hijack.threadId).not.toBe(created.root.threadId);
  });

  it("lists a thread's emails by receivedAt, then id", async () => {
    const r = await ok(w, 'Thread/get', { ids: [created.root.threadId, 'Tnope'] });
    const ids = [created.root, created.reply1, created.reply2].map((c) => c.id);
    expect(r.list).toEqual([{ id: created.root.threadId, emailIds: ids }]);
    expect(r.notFound).toEqual(['Tnope']);
  });

  it('answers Thread/get in the same request as the import with the new email in its thread', async () => {
    const [blobId] = await uploadAll(w, [
      rfc5322({ id: 'reply4@x', subject: 'Re: Plans', references: ['root@x', 'reply2@x'] }),
    ]);
    const res = await w.client.api(USING, [
      [
        'Email/import',
        {
          accountId: w.accountId,
          emails: {
            r4: { blobId, mailboxIds: { [w.roles.inbox]: true }, receivedAt: '2030-01-01T00:00:00Z' },
          },
        },
        'a',
      ],
      ['Thread/get', { accountId: w.accountId, ids: [created.root.threadId] }, 'b'],
    ]);
    const imported = (res.body.methodResponses[0][1].created as Record<string, Args>).r4;
    expect(imported.threadId).toBe(created.root.threadId);
    const thread = (res.body.methodResponses[1][1].list as Args[])[0];
    expect((thread.emailIds as string[]).at(-1)).toBe(imported.id);
    await expectCountsExact();
    history.push(await snapshot());
  });
});

describe('/changes from every earlier state (RFC 8620 section 5.2)', () => {
  async function replay(
    method: string,
    since: Snapshot,
    pick: (s: Snapshot) => [string, Set<string>],
    maxChanges: number | null,
  ) {
    const [oldState, before] = pick(since);
    const [currentState, now] = pick(history.at(-1)!);
    const set = new Set(before);
    const updated = new Set<string>();
    let state = oldState;
    for (let page = 0; page < 200; page++) {
      const r = await ok(w, method, { sinceState: state, ...(maxChanges ? { maxChanges } : {}) });
      const changed = [...(r.created as string[]), ...(r.updated as string[]), ...(r.destroyed as string[])];
      if (maxChanges) expect(changed.length).toBeLessThanOrEqual(maxChanges);
      for (const id of r.destroyed as string[]) set.delete(id);
      for (const id of r.created as string[]) set.add(id);
      for (const id of r.updated as string[]) updated.add(id);
      state = r.newState as string;
      if (!r.hasMoreChanges) break;
    }
    expect(state).toBe(currentState);
    expect([...set].sort()).toEqual([...now].sort());
    return updated;
  }

  it('Email/changes reproduces the current emails, whole and paged by 1, 2 and 3', async () => {
    for (const [i, since] of history.entries()) {
      for (const maxChanges of [null, 1, 2, 3]) {
        const updated = await replay('Email/changes', since, (s) => [s.emailState, s.emails], maxChanges);
        // both1 and both2 left the destroyed mailbox after they were created.
        if (i < afterCascade && since.emails.has(created.both1.id))
          expect([...updated], `from state ${i}`).toEqual(
            expect.arrayContaining([created.both1.id, created.both2.id]),
          );
      }
    }
  });

  it('Thread/changes reproduces the current threads, whole and paged by 1, 2 and 3', async () => {
    for (const since of history)
      for (const maxChanges of [null, 1, 2, 3])
        await replay('Thread/changes', since, (s) => [s.threadState, s.threads], maxChanges);
  });

  it('a thread whose last email was destroyed is gone, and reported destroyed', async () => {
    const last = history.at(-1)!;
    expect(last.emails.has(created.only.id)).toBe(false);
    expect(last.threads.has(created.only.threadId)).toBe(false);
    const before = history.find((s) => s.threads.has(created.only.threadId))!;
    const r = await ok(w, 'Thread/changes', { sinceState: before.threadState });
    expect(r.destroyed).toContain(created.only.threadId);
  });

  it('answers cannotCalculateChanges for a state it never issued', async () => {
    const [name, r] = await call(w, 'Email/changes', { sinceState: '999999' });
    expect([name, r.type]).toEqual(['error', 'cannotCalculateChanges']);
  });
});

describe('mailbox counts (RFC 8621 section 2)', () => {
  it('Mailbox/changes names only the count properties when only counts moved', async () => {
    const state = (await ok(w, 'Mailbox/get', { ids: [] })).state as string;
    // A read reply into a thread the inbox already has: only totalEmails moves.
    await importMessages(
      [rfc5322({ id: 'reply5@x', subject: 'Re: Plans', references: ['root@x'] })],
      [w.roles.inbox],
      () => ({ keywords: { $seen: true } }),
    );
    const r = await ok(w, 'Mailbox/changes', { sinceState: state });
    expect(r).toMatchObject({
      updated: [w.roles.inbox],
      created: [],
      destroyed: [],
      updatedProperties: ['totalEmails'],
    });
    await importMessages([rfc5322({ id: 'new-thread@x', subject: 'A new unread thread' })]);
    const r2 = await ok(w, 'Mailbox/changes', { sinceState: state });
    expect(r2.updatedProperties).toEqual(['totalEmails', 'totalThreads', 'unreadEmails', 'unreadThreads']);
    await expectCountsExact();
  });

  it('refuses to destroy a mailbox that has emails without onDestroyRemoveEmails: mailboxHasEmail, nothing changes (RFC 8621 2.5)', async () => {
    const box = await ok(w, 'Mailbox/set', { create: { k: { name: 'Keep' } } });
    const keep = (box.created as Record<string, Args>).k.id as string;
    await importMessages([rfc5322({ id: 'kept@x', subject: 'Kept' })], [keep]);
    const before = await ok(w, 'Mailbox/get', { ids: null });
    const emailsBefore = await snapshot();
    const r = await ok(w, 'Mailbox/set', { destroy: [keep] });
    expect(r.destroyed ?? []).toEqual([]);
    expect((r.notDestroyed as Record<string, Args>)[keep]).toMatchObject({ type: 'mailboxHasEmail' });
    expect(r.newState).toBe(before.state);
    expect(await ok(w, 'Mailbox/get', { ids: null })).toEqual(before);
    const emailsAfter = await snapshot();
    expect(emailsAfter.emailState).toBe(emailsBefore.emailState);
    expect(emailsAfter.emails).toEqual(emailsBefore.emails);
  });

  it('counts equal a recount after every step of the history (checked as it ran) and now', async () => {
    const inbox = ((await ok(w, 'Mailbox/get', { ids: [w.roles.inbox] })).list as Args[])[0];
    expect(inbox.totalEmails).toBeGreaterThan(5);
    await expectCountsExact();
  });
});
