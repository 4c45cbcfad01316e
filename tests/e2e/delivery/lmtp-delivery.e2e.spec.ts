/**
 * Inbound delivery over LMTP (RFC 2033) and SMTP (RFC 5321) through the real delivery service process: replies
 * per recipient, the trace fields, the Inbox import through the email service, duplicates and the size limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, LmtpClient, type TestStack } from '@jmap/testing';
import { allEmails, createAccount, inboxId, message, startDeliveryStack, type Account } from './support.js';

const MAX = 200_000;
let stack: TestStack;
let alice: Account;
let bob: Account;
let smtpPort: number;

beforeAll(async () => {
  smtpPort = await freePort();
  stack = await startDeliveryStack({ MAX_MESSAGE_SIZE: String(MAX), SMTP_PORT: String(smtpPort) });
  alice = await createAccount(stack, 'alice@delivery.example');
  bob = await createAccount(stack, 'bob@delivery.example');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const headersOf = (e: Record<string, unknown>) => e.headers as Array<{ name: string; value: string }>;

describe('LMTP delivery (RFC 2033)', () => {
  it('RFC 2033 4.2: the known recipient gets 250 after DATA, the unknown one 550 at RCPT, in one transaction', async () => {
    const lmtp = await LmtpClient.open(stack.lmtpPort());
    expect(lmtp.extensions).toMatch(new RegExp(`SIZE ${MAX}`));
    const raw = message({ id: 'first@remote.example', to: 'alice@delivery.example' });
    const r = await lmtp.send({
      from: 'sender@remote.example',
      to: ['alice@delivery.example', 'nobody@delivery.example'],
      message: raw,
    });
    await lmtp.quit();
    expect(r.mailFrom.code).toBe(250);
    expect(r.rcpt.map((x) => x.code)).toEqual([250, 550]);
    expect(r.rcpt[1].text).toMatch(/^5\.1\.1 /);
    // RFC 2033 4.2: one reply per successful RCPT, so exactly one here.
    expect(r.final.map((x) => x.code)).toEqual([250]);

    const emails = await allEmails(alice, [
      'messageId',
      'mailboxIds',
      'headers',
      'receivedAt',
      'size',
      'keywords',
    ]);
    expect(emails).toHaveLength(1);
    const e = emails[0];
    expect(e.messageId).toEqual(['first@remote.example']);
    expect(e.mailboxIds).toEqual({ [await inboxId(alice)]: true });
    expect(e.keywords).toEqual({});
    // RFC 5321 4.4: the Received trace field (with protocol, id, recipient and date) and Delivered-To at the top.
    const headers = headersOf(e);
    expect(headers[0].name).toBe('Delivered-To');
    expect(headers[0].value.trim()).toBe('alice@delivery.example');
    expect(headers[1].name).toBe('Received');
    const received = headers[1].value.replace(/\r\n\t/g, ' ');
    expect(received).toMatch(/from mta\.test\.example \(\[(::ffff:)?127\.0\.0\.1\]\)/);
    expect(received).toMatch(/with LMTP id [0-9a-f]{16}/);
    expect(received).toMatch(/for <alice@delivery\.example>; \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000/);
    // RFC 8621 4.8 default receivedAt: the date of the most recent Received field, i.e. the delivery time.
    expect(Math.abs(Date.parse(e.receivedAt as string) - Date.now())).toBeLessThan(120_000);
    expect(e.size).toBe(
      Buffer.byteLength(raw) +
        Buffer.byteLength(
          headers
            .slice(0, 2)
            .map((h) => `${h.name}:${h.value}\r\n`)
            .join(''),
        ),
    );
    expect(await allEmails(bob, ['id'])).toHaveLength(0);

    // The envelope is recorded on the EmailCreated event (for the vacation responder), not in the read model.
    const { rows } = await stack.db.query<{ data: { delivery?: unknown } }>(
      `SELECT data FROM events WHERE account_id = $1 AND type = 'EmailCreated'`,
      [alice.accountId],
    );
    expect(rows.map((x) => x.data.delivery)).toEqual([
      { mailFrom: 'sender@remote.example', rcptTo: 'alice@delivery.example' },
    ]);
  });

  it('a re-delivery of the same octets is answered 250 and does not create a second email', async () => {
    const raw = message({ id: 'again@remote.example', to: 'bob@delivery.example' });
    const replies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lmtp = await LmtpClient.open(stack.lmtpPort());
      const r = await lmtp.send({ from: '', to: ['bob@delivery.example'], message: raw });
      await lmtp.quit();
      replies.push(...r.final.map((x) => x.code));
    }
    expect(replies).toEqual([250, 250, 250]);
    const emails = await allEmails(bob, ['messageId']);
    expect(emails.map((e) => e.messageId)).toEqual([['again@remote.example']]);
    // The null reverse-path "<>" is recorded as null.
    const { rows } = await stack.db.query<{ data: { delivery?: unknown } }>(
      `SELECT data FROM events WHERE account_id = $1 AND type = 'EmailCreated'`,
      [bob.accountId],
    );
    expect(rows.map((x) => x.data.delivery)).toEqual([{ mailFrom: null, rcptTo: 'bob@delivery.example' }]);
  });

  it('one message to two local recipients: one email in each account, each with its own Delivered-To', async () => {
    const lmtp = await LmtpClient.open(stack.lmtpPort());
    const r = await lmtp.send({
      from: 'sender@remote.example',
      to: ['alice@delivery.example', 'BOB+lists@Delivery.Example'],
      message: message({ id: 'both@remote.example', to: 'alice@delivery.example, bob@delivery.example' }),
    });
    await lmtp.quit();
    expect(r.rcpt.map((x) => x.code)).toEqual([250, 250]);
    expect(r.final.map((x) => x.code)).toEqual([250, 250]);
    for (const [a, rcpt] of [
      [alice, 'alice@delivery.example'],
      [bob, 'bob+lists@delivery.example'],
    ] as const) {
      const e = (await allEmails(a, ['messageId', 'headers'])).find((x) =>
        (x.messageId as string[]).includes('both@remote.example'),
      );
      expect(e).toBeDefined();
      expect(headersOf(e!)[0]).toEqual({ name: 'Delivered-To', value: ` ${rcpt}` });
    }
  });

  it('RFC 1870: 552 for a message over MAX_MESSAGE_SIZE, at MAIL FROM SIZE= and after DATA; nothing stored', async () => {
    const before = (await allEmails(alice, ['id'])).length;
    const lmtp = await LmtpClient.open(stack.lmtpPort());
    const declared = await lmtp.send({
      from: 'sender@remote.example',
      to: ['alice@delivery.example'],
      message: 'x',
      size: MAX + 1,
    });
    expect(declared.mailFrom.code).toBe(552);
    const big = message({
      id: 'big@remote.example',
      to: 'alice@delivery.example',
      body: 'y'.repeat(MAX + 10),
    });
    const r = await lmtp.send({
      from: 'sender@remote.example',
      to: ['alice@delivery.example', 'bob@delivery.example'],
      message: big,
    });
    await lmtp.quit();
    expect(r.rcpt.map((x) => x.code)).toEqual([250, 250]);
    // One 552 per accepted recipient (RFC 2033 4.2).
    expect(r.final.map((x) => x.code)).toEqual([552, 552]);
    expect(await allEmails(alice, ['id'])).toHaveLength(before);
    expect(
      (await allEmails(bob, ['messageId'])).some((e) =>
        (e.messageId as string[]).includes('big@remote.example'),
      ),
    ).toBe(false);
  });
});

describe('SMTP listener (SMTP_PORT)', () => {
  it('RFC 5321: 550 at RCPT for an unknown address (no relaying), one 250 after DATA, the email in the Inbox', async () => {
    const smtp = await LmtpClient.open(smtpPort, { lmtp: false });
    const r = await smtp.send({
      from: 'sender@remote.example',
      to: ['someone@elsewhere.example', 'alice@delivery.example'],
      message: message({ id: 'smtp@remote.example', to: 'alice@delivery.example' }),
    });
    await smtp.quit();
    expect(r.rcpt.map((x) => x.code)).toEqual([550, 250]);
    expect(r.final.map((x) => x.code)).toEqual([250]);
    const e = (await allEmails(alice, ['messageId', 'headers'])).find((x) =>
      (x.messageId as string[]).includes('smtp@remote.example'),
    );
    expect(e).toBeDefined();
    expect(headersOf(e!)[1].value).toMatch(/with ESMTP id/);
  });
});
