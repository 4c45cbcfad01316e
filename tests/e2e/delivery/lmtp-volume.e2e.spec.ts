/**
 * 1,000 messages to 10 accounts over LMTP (RFC 2033) through the real delivery service process, several
 * connections at once: every message is answered 250 and lands exactly once in its recipient's Inbox, with the
 * Received and Delivered-To trace fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpClient, type TestStack } from '@jmap/testing';
import {
  allEmails,
  createAccount,
  inboxId,
  message,
  ok,
  startDeliveryStack,
  type Account,
} from './support.js';

const MESSAGES = 1000;
const ACCOUNTS = 10;
const CONNECTIONS = 8;

let stack: TestStack;
const accounts: Account[] = [];

beforeAll(async () => {
  stack = await startDeliveryStack();
  for (let i = 0; i < ACCOUNTS; i++) accounts.push(await createAccount(stack, `user${i}@volume.example`));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('LMTP volume', () => {
  it(`${MESSAGES} messages to ${ACCOUNTS} accounts: each delivered exactly once, with Received and Delivered-To`, async () => {
    const expected = new Map<string, Set<string>>(accounts.map((a) => [a.email, new Set()]));
    const jobs = Array.from({ length: MESSAGES }, (_, i) => {
      const a = accounts[i % ACCOUNTS];
      const id = `volume-${i}@remote.example`;
      expected.get(a.email)!.add(id);
      return {
        to: a.email,
        id,
        raw: message({
          id,
          to: a.email,
          subject: `Volume ${i}`,
          body: `Message number ${i}\r\n${'x'.repeat(i % 700)}`,
        }),
      };
    });
    const codes = new Map<number, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const lmtp = await LmtpClient.open(stack.lmtpPort());
        for (let i = next++; i < jobs.length; i = next++) {
          const r = await lmtp.send({ from: 'bulk@remote.example', to: [jobs[i].to], message: jobs[i].raw });
          const code = r.final[0]?.code ?? r.rcpt[0]?.code ?? 0;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
        await lmtp.quit();
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `delivered ${MESSAGES} messages in ${seconds.toFixed(1)} s (${(MESSAGES / seconds).toFixed(0)}/s)`,
    );
    expect(Object.fromEntries(codes)).toEqual({ 250: MESSAGES });

    for (const a of accounts) {
      const emails = await allEmails(a, ['messageId', 'headers', 'mailboxIds']);
      const ids = emails.map((e) => (e.messageId as string[])[0]);
      // Exactly once: as many emails as messages sent to the account, and the same Message-IDs.
      expect(ids.length, a.email).toBe(MESSAGES / ACCOUNTS);
      expect(new Set(ids)).toEqual(expected.get(a.email));
      const inbox = await inboxId(a);
      for (const e of emails) {
        expect(e.mailboxIds).toEqual({ [inbox]: true });
        const headers = e.headers as Array<{ name: string; value: string }>;
        expect(headers[0]).toEqual({ name: 'Delivered-To', value: ` ${a.email}` });
        expect(headers[1].name).toBe('Received');
        expect(headers[1].value).toMatch(/with LMTP id/);
      }
      // The Inbox counts agree (the inline mailbox counts moved with each import).
      const box = (
        (await ok(a, 'Mailbox/get', { ids: [inbox], properties: ['totalEmails', 'unreadEmails'] }))
          .list as Array<Record<string, number>>
      )[0];
      expect(box.totalEmails).toBe(MESSAGES / ACCOUNTS);
      expect(box.unreadEmails).toBe(MESSAGES / ACCOUNTS);
    }
  }, 600_000);
});
