/**
 * Exactly once when the submission service dies mid-send (docs/adr/0010-submission.md): the replica is killed
 * (SIGKILL) while the relay holds its reply to the end of DATA, so the relay never handed out a 250 for that
 * session and drops the message (RFC 5321 6.1: responsibility passes with the 250). The restarted replica finds the
 * interrupted attempt, and sends again: the sink ends up with exactly one copy, the local recipient with exactly
 * one email (local delivery is idempotent per octets and recipient).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '@jmap/testing';
import {
  calls,
  draft,
  message,
  startSubmissionWorld,
  waitForEmails,
  waitSubmission,
  type Args,
  type DeliveryMap,
  type Person,
  type SubmissionWorld,
} from './support.js';

let world: SubmissionWorld;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  // This relay wants AUTH, which the sender only gives over STARTTLS (SMTP_RELAY_STARTTLS auto with credentials);
  // the sink's certificate is smtp-server's self-signed one.
  world = await startSubmissionWorld({ SMTP_RELAY_STARTTLS: 'auto', SMTP_RELAY_TLS_VERIFY: 'false' }, [], {
    auth: { user: 'relay-user', pass: 'relay pass/1' },
  });
  alice = await world.person('alice@example.com');
  bob = await world.person('bob@example.com');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

describe('a submission replica killed mid-send', () => {
  it('sends once: one copy at the relay, one email in the local Inbox, the interrupted attempt recorded', async () => {
    world.sink.delayData(8000);
    const raw = message({
      from: 'alice@example.com',
      to: ['bob@example.com', 'carol@external.test'],
      subject: 'Crash',
      id: 'crash-1@example.com',
    });
    const d = await draft(alice, raw);
    const [[, set]] = await calls(alice.client, 'EmailSubmission/set', {
      accountId: alice.accountId,
      create: { k: { identityId: alice.identityId, emailId: d.id } },
    });
    const id = (set.created as Record<string, Args>).k.id as string;

    const deadline = Date.now() + 30_000;
    while (world.sink.dataStarted === null) {
      if (Date.now() > deadline)
        throw new Error(`the relay never got DATA\n${world.stack.logTail('submission-service')}`);
      await sleep(50);
    }
    // Recorded before the first octet went out: the attempt in flight.
    const inFlight = await world.stack.db.query<{ status: string }>(
      'SELECT status FROM submission_attempts WHERE submission_id = $1',
      [id],
    );
    expect(inFlight.rows.map((r) => r.status)).toEqual(['sending']);
    await world.stack.kill('submission-service', 1, 'SIGKILL');
    world.sink.delayData(0);
    expect(world.sink.messages).toHaveLength(0);

    await world.stack.restart('submission-service');
    await world.sink.waitForMessages(1, 30_000);
    const s = await waitSubmission(
      alice,
      id,
      (x) =>
        x.undoStatus === 'final' &&
        Object.values(x.deliveryStatus as DeliveryMap).every((v) => v.delivered !== 'queued'),
    );
    await sleep(2000);
    expect(world.sink.messages).toHaveLength(1);
    expect(world.sink.messages[0].rcptTo).toEqual(['carol@external.test']);
    expect(world.sink.messages[0].raw.toString()).toBe(raw);
    expect(world.sink.messages[0]).toMatchObject({
      secure: true,
      user: 'relay-user',
      mailFrom: 'alice@example.com',
    });
    expect(await waitForEmails(bob, bob.roles.inbox, 1)).toHaveLength(1);
    expect((s.deliveryStatus as DeliveryMap)['bob@example.com'].delivered).toBe('yes');
    expect((s.deliveryStatus as DeliveryMap)['carol@external.test'].delivered).toBe('unknown');
    const attempts = await world.stack.db.query<{ status: string }>(
      'SELECT status FROM submission_attempts WHERE submission_id = $1 ORDER BY started_at',
      [id],
    );
    expect(attempts.rows.map((r) => r.status)).toEqual(['abandoned', 'applied']);
  });
});
