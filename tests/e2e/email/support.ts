/**
 * Shared helpers of the email e2e files: a stack with the services the email path needs (gateway, mailbox,
 * email and thread services), an account with its default mailboxes, and small call helpers.
 */
import { expect } from 'vitest';
import { startTestStack, type JmapTestClient, type TestStack } from '@jmap/testing';

export const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
export type Args = Record<string, unknown>;

export interface EmailWorld {
  stack: TestStack;
  client: JmapTestClient;
  accountId: string;
  principalId: string;
  /** Mailbox id by role. */
  roles: Record<string, string>;
}

export async function startEmailWorld(email: string, env: Record<string, string> = {}): Promise<EmailWorld> {
  const stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'email-service', 'thread-service'],
    env,
  });
  const password = 'email-e2e-password';
  const { accountId, principalId } = await stack.createAccount(email, password);
  const client = stack.client({ email, password });
  const world: EmailWorld = { stack, client, accountId, principalId, roles: {} };
  const [, r] = await call(world, 'Mailbox/get', { ids: null });
  for (const m of r.list as Args[]) world.roles[m.role as string] = m.id as string;
  return world;
}

/** One call; returns [response name, arguments]. */
export async function call(w: EmailWorld, name: string, args: Args): Promise<[string, Args]> {
  const res = await w.client.api(USING, [[name, { accountId: w.accountId, ...args }, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const [responseName, responseArgs] = res.body.methodResponses[0];
  return [responseName, responseArgs];
}

/** One call that must succeed with its own name. */
export async function ok(w: EmailWorld, name: string, args: Args): Promise<Args> {
  const [responseName, result] = await call(w, name, args);
  expect(responseName, JSON.stringify(result)).toBe(name);
  return result;
}

export async function upload(w: EmailWorld, data: Buffer | string): Promise<string> {
  const res = await w.client.upload(
    w.accountId,
    typeof data === 'string' ? Buffer.from(data) : data,
    'message/rfc822',
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.blobId;
}

/** Uploads messages, at most `concurrency` at once (maxConcurrentUpload). */
export async function uploadAll(
  w: EmailWorld,
  messages: Array<Buffer | string>,
  concurrency = 4,
): Promise<string[]> {
  const out = new Array<string>(messages.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < messages.length; i = next++) out[i] = await upload(w, messages[i]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** A small RFC 5322 message. */
export function rfc5322(o: {
  id: string;
  subject: string;
  inReplyTo?: string;
  references?: string[];
  body?: string;
  date?: string;
}): string {
  const lines = [
    'From: Alice <alice@example.com>',
    'To: Bob <bob@example.org>',
    `Subject: ${o.subject}`,
    `Date: ${o.date ?? 'Mon, 6 Jan 2025 09:30:00 +0100'}`,
    `Message-ID: <${o.id}>`,
    ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
    ...(o.references?.length ? [`References: ${o.references.map((r) => `<${r}>`).join(' ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? `Body of ${o.id}.`,
    '',
  ];
  return lines.join('\r\n');
}

/** Imports uploaded blobs into a mailbox, one Email/import call; returns the created entries by blob index. */
export async function importBlobs(
  w: EmailWorld,
  blobIds: string[],
  extra: (i: number) => Args = () => ({}),
  mailboxId = w.roles.inbox,
): Promise<Array<{ id: string; threadId: string; blobId: string; size: number }>> {
  const emails = Object.fromEntries(
    blobIds.map((blobId, i) => [`m${i}`, { blobId, mailboxIds: { [mailboxId]: true }, ...extra(i) }]),
  );
  const r = await ok(w, 'Email/import', { emails });
  expect(r.notCreated, JSON.stringify(r.notCreated)).toBeNull();
  const created = r.created as Record<string, { id: string; threadId: string; blobId: string; size: number }>;
  return blobIds.map((_, i) => created[`m${i}`]);
}
