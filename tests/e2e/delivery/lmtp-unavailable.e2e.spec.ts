/**
 * Inbound delivery when the account cannot store the message now: the LMTP reply is 452 (the MTA keeps the
 * message and retries), never 250 for something that was not committed; a retry after recovery is 250 and the
 * message exists exactly once. Readiness and graceful shutdown of the delivery service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpClient, sleep, type TestStack } from '@jmap/testing';
import { allEmails, createAccount, message, startDeliveryStack, type Account } from './support.js';

let stack: TestStack;
let carol: Account;

beforeAll(async () => {
  // Short command timeouts: the delivery service gives up on the stopped email service within about 2 s.
  stack = await startDeliveryStack({ COMMAND_TIMEOUT_MS: '1000', COMMAND_ATTEMPTS: '2' });
  carol = await createAccount(stack, 'carol@down.example');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('delivery while a dependency is down', () => {
  it('/readyz of the delivery service checks PostgreSQL, Kafka and S3', async () => {
    const res = await fetch(`${stack.opsUrl('delivery-service')}/readyz`);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.checks.postgres?.ok).toBe(true);
    expect(body.checks.kafka?.ok).toBe(true);
    expect(body.checks.s3?.ok).toBe(true);
  });

  it('452 while the email service is stopped; after it is back the retry gets 250 and the email exists once', async () => {
    const raw = message({ id: 'while-down@remote.example', to: 'carol@down.example' });
    await stack.kill('email-service', 1, 'SIGTERM');
    try {
      const lmtp = await LmtpClient.open(stack.lmtpPort());
      const r = await lmtp.send({ from: 'sender@remote.example', to: ['carol@down.example'], message: raw });
      await lmtp.quit();
      expect(r.rcpt.map((x) => x.code)).toEqual([250]);
      // RFC 2033 4.2 / RFC 5321 4.2.5: a transient failure for the recipient, not success.
      expect(r.final.map((x) => x.code)).toEqual([452]);
      expect(r.final[0].text).toMatch(/^4\.3\.0 /);
    } finally {
      await stack.restart('email-service');
    }
    // The MTA retries the same octets until it gets a final answer.
    let final = 0;
    for (let attempt = 0; attempt < 20 && final !== 250; attempt++) {
      const lmtp = await LmtpClient.open(stack.lmtpPort());
      const r = await lmtp.send({ from: 'sender@remote.example', to: ['carol@down.example'], message: raw });
      await lmtp.quit();
      final = r.final[0]?.code ?? 0;
      if (final !== 250) await sleep(1000);
    }
    expect(final).toBe(250);
    // The command sent while the service was down may have been handled after its restart too: still one email.
    await sleep(3000);
    const emails = await allEmails(carol, ['messageId']);
    expect(emails.map((e) => e.messageId)).toEqual([['while-down@remote.example']]);
  });

  it('SIGTERM: no new connections, the transaction in flight still gets its reply', async () => {
    await stack.kill('email-service', 1, 'SIGTERM');
    try {
      const lmtp = await LmtpClient.open(stack.lmtpPort());
      // The delivery waits for the (stopped) email service for about 2 s: shut down meanwhile.
      const pending = lmtp.send({
        from: 'sender@remote.example',
        to: ['carol@down.example'],
        message: message({ id: 'during-shutdown@remote.example', to: 'carol@down.example' }),
      });
      await sleep(500);
      const stopping = stack.kill('delivery-service', 1, 'SIGTERM');
      await sleep(300);
      await expect(LmtpClient.open(stack.lmtpPort())).rejects.toThrow();
      const r = await pending;
      expect(r.final.map((x) => x.code)).toEqual([452]);
      await stopping;
      await lmtp.quit();
    } finally {
      await stack.restart('email-service');
      await stack.restart('delivery-service');
    }
  });
});
