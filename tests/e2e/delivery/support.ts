/**
 * Shared helpers of the delivery e2e files: a stack with the delivery path (delivery service → Kafka → email
 * service, with the mailbox and thread services and the gateway to read the result over JMAP), accounts with
 * their default mailboxes, and message builders.
 */
import { expect } from 'vitest';
import { startTestStack, type JmapTestClient, type TestStack } from '@jmap/testing';

export const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
export type Args = Record<string, unknown>;

export interface Account {
  email: string;
  accountId: string;
  client: JmapTestClient;
}

export async function startDeliveryStack(env: Record<string, string> = {}): Promise<TestStack> {
  return startTestStack({
    services: ['gateway', 'mailbox-service', 'email-service', 'thread-service', 'delivery-service'],
    env,
  });
}

export async function createAccount(stack: TestStack, email: string): Promise<Account> {
  const password = 'delivery-e2e-password';
  const { accountId } = await stack.createAccount(email, password);
  return { email, accountId, client: stack.client({ email, password }) };
}

/** One call that must succeed with its own name. */
export async function ok(a: Account, name: string, args: Args): Promise<Args> {
  const res = await a.client.api(USING, [[name, { accountId: a.accountId, ...args }, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const [responseName, result] = res.body.methodResponses[0];
  expect(responseName, JSON.stringify(result)).toBe(name);
  return result as Args;
}

/** Every email of the account (Email/changes from the start, then Email/get). */
export async function allEmails(a: Account, properties: string[]): Promise<Args[]> {
  const ids: string[] = [];
  let since = '0';
  for (;;) {
    const r = await ok(a, 'Email/changes', { sinceState: since, maxChanges: 5000 });
    ids.push(...(r.created as string[]));
    since = r.newState as string;
    if (!r.hasMoreChanges) break;
  }
  if (ids.length === 0) return [];
  const r = await ok(a, 'Email/get', { ids, properties });
  return r.list as Args[];
}

export async function inboxId(a: Account): Promise<string> {
  const r = await ok(a, 'Mailbox/get', { ids: null, properties: ['role'] });
  return (r.list as Args[]).find((m) => m.role === 'inbox')!.id as string;
}

export function message(o: {
  id: string;
  to: string;
  subject?: string;
  body?: string;
  from?: string;
}): string {
  return [
    `From: ${o.from ?? 'Sender <sender@remote.example>'}`,
    `To: ${o.to}`,
    `Subject: ${o.subject ?? `Message ${o.id}`}`,
    'Date: Thu, 26 Nov 2026 03:00:00 +0000',
    `Message-ID: <${o.id}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? `Body of ${o.id}.`,
    '.leading dot line',
    '',
  ].join('\r\n');
}
