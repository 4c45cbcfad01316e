/**
 * Shared helpers of the submission e2e files: a stack with everything a send touches (gateway, mailbox, email,
 * thread and submission services, optionally push), a real SMTP sink on loopback as the relay, accounts with
 * their default mailboxes and identity, drafts imported into Drafts, and waiting for a submission's outcome.
 */
import { expect } from 'vitest';
import {
  SmtpSink,
  sleep,
  startTestStack,
  type JmapTestClient,
  type ServiceName,
  type TestStack,
} from '@jmap/testing';

export const USING = [
  'urn:ietf:params:jmap:core',
  'urn:ietf:params:jmap:mail',
  'urn:ietf:params:jmap:submission',
  'urn:ietf:params:jmap:vacationresponse',
];
export type Args = Record<string, unknown>;

export interface Person {
  email: string;
  client: JmapTestClient;
  accountId: string;
  identityId: string;
  /** Mailbox id by role. */
  roles: Record<string, string>;
}

export interface SubmissionWorld {
  stack: TestStack;
  sink: SmtpSink;
  person(email: string): Promise<Person>;
  stop(): Promise<void>;
}

export async function startSubmissionWorld(
  env: Record<string, string> = {},
  extraServices: ServiceName[] = [],
  sinkOptions: Parameters<typeof SmtpSink.start>[0] = {},
): Promise<SubmissionWorld> {
  const sink = await SmtpSink.start(sinkOptions);
  const stack = await startTestStack({
    services: [
      'gateway',
      'mailbox-service',
      'email-service',
      'thread-service',
      'submission-service',
      ...extraServices,
    ],
    // Seven processes start at once on a shared two-core machine.
    readyTimeoutMs: 240_000,
    env: {
      SMTP_RELAY_URL: sink.url,
      SMTP_RELAY_STARTTLS: 'off',
      SUBMISSION_POLL_MS: '200',
      SUBMISSION_RETRY_BASE_MS: '300',
      SUBMISSION_RETRY_MAX_MS: '1000',
      SMTP_RELAY_TIMEOUT_MS: '5000',
      ...env,
    },
  });
  const person = async (email: string): Promise<Person> => {
    const password = `${email}-password`;
    const { accountId } = await stack.createAccount(email, password);
    const client = stack.client({ email, password });
    const roles: Record<string, string> = {};
    const mailboxes = await ok(client, 'Mailbox/get', { accountId, ids: null });
    for (const m of mailboxes.list as Args[]) roles[m.role as string] = m.id as string;
    const identities = await ok(client, 'Identity/get', { accountId, ids: null });
    const identity = (identities.list as Args[]).find((i) => i.email === email);
    expect(identity, JSON.stringify(identities)).toBeDefined();
    return { email, client, accountId, identityId: identity!.id as string, roles };
  };
  return {
    stack,
    sink,
    person,
    stop: async () => {
      await stack.stop();
      await sink.stop();
    },
  };
}

/** The responses of one request with one call. */
export async function calls(
  client: JmapTestClient,
  name: string,
  args: Args,
): Promise<Array<[string, Args, string]>> {
  const res = await client.api(USING, [[name, args, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.methodResponses as Array<[string, Args, string]>;
}

/** One call that must succeed with its own name; returns its arguments. */
export async function ok(client: JmapTestClient, name: string, args: Args): Promise<Args> {
  const [[responseName, result]] = await calls(client, name, args);
  expect(responseName, JSON.stringify(result)).toBe(name);
  return result;
}

export function message(o: {
  from: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  id: string;
  extra?: string[];
  body?: string;
}): string {
  return [
    `From: ${o.from}`,
    ...(o.to?.length ? [`To: ${o.to.join(', ')}`] : []),
    ...(o.cc?.length ? [`Cc: ${o.cc.join(', ')}`] : []),
    ...(o.bcc?.length ? [`Bcc: ${o.bcc.join(', ')}`] : []),
    `Subject: ${o.subject}`,
    'Date: Thu, 26 Nov 2026 09:30:00 +0000',
    `Message-ID: <${o.id}>`,
    ...(o.extra ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? `Body of ${o.id}.`,
    '',
  ].join('\r\n');
}

/** Uploads a message and imports it into the sender's Drafts with $draft; returns the email id. */
export async function draft(p: Person, raw: string): Promise<{ id: string; threadId: string }> {
  const up = await p.client.upload(p.accountId, Buffer.from(raw), 'message/rfc822');
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  const r = await ok(p.client, 'Email/import', {
    accountId: p.accountId,
    emails: {
      d: {
        blobId: up.body.blobId,
        mailboxIds: { [p.roles.drafts]: true },
        keywords: { $draft: true, $seen: true },
      },
    },
  });
  expect(r.notCreated, JSON.stringify(r)).toBeNull();
  return (r.created as Record<string, { id: string; threadId: string }>).d;
}

export async function getSubmission(p: Person, id: string): Promise<Args> {
  const r = await ok(p.client, 'EmailSubmission/get', { accountId: p.accountId, ids: [id] });
  expect(r.notFound, JSON.stringify(r)).toEqual([]);
  return (r.list as Args[])[0];
}

/** Polls EmailSubmission/get until `done` holds for the submission. */
export async function waitSubmission(
  p: Person,
  id: string,
  done: (s: Args) => boolean,
  timeoutMs = 30_000,
): Promise<Args> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await getSubmission(p, id);
    if (done(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`submission ${id} did not reach the expected state: ${JSON.stringify(s)}`);
    await sleep(150);
  }
}

export type DeliveryMap = Record<string, { smtpReply: string; delivered: string; displayed: string }>;

/** The email ids in a mailbox (Email/query, RFC 8621 4.4). */
export async function idsIn(p: Person, mailboxId: string): Promise<string[]> {
  const r = await ok(p.client, 'Email/query', { accountId: p.accountId, filter: { inMailbox: mailboxId } });
  return r.ids as string[];
}

/** Polls until the mailbox holds at least `n` emails. */
export async function waitForEmails(
  p: Person,
  mailboxId: string,
  n: number,
  timeoutMs = 30_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await idsIn(p, mailboxId);
    if (ids.length >= n) return ids;
    if (Date.now() > deadline)
      throw new Error(`mailbox ${mailboxId} of ${p.email} holds ${ids.length} of ${n} emails`);
    await sleep(150);
  }
}
