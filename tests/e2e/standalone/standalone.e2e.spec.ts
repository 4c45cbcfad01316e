/**
 * The standalone server (issue 10) as a person runs it: `npm start` as a child process on a fresh data directory,
 * with none of DATABASE_URL, S3_ENDPOINT or KAFKA_BROKERS (embedded PostgreSQL, files, the in-process bus), and
 * everything checked through HTTP only: the session, importing and querying mail, keywords, sending from one local
 * account to another, a StateChange on an EventSource; then a clean stop (SIGINT, as Ctrl-C sends it), a second
 * start that finds every message, keyword and state intact with `/changes` from the old states empty; a second
 * server on the same directory refused; the admin command line against the running and the stopped directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JmapTestClient,
  freePort,
  openEventSource,
  repoRoot,
  runAdmin,
  sleep,
  type EventSourceConnection,
} from '@jmap/testing';

type Args = Record<string, unknown>;
const MAIL = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const SUBMISSION = [...MAIL, 'urn:ietf:params:jmap:submission'];

/**
 * For the admin command line, which runs with this process's environment plus these: the switches to real servers
 * emptied (an empty variable counts as unset), so that it finds the standalone data directory.
 */
function adminEnv(): Record<string, string> {
  return { DATABASE_URL: '', S3_ENDPOINT: '', KAFKA_BROKERS: '', DATA_DIR: dataDir };
}

/** The environment of a person's shell: none of the variables that switch a component to a real server. */
function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const name of ['DATABASE_URL', 'S3_ENDPOINT', 'KAFKA_BROKERS', 'PORT', 'HOST', 'DATA_DIR', 'OPS_PORT'])
    delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  closed: boolean;
}

/** Every server this file started, so that a failed test cannot leave one running. */
const started: Server[] = [];

/** `npm start -- <args>` in its own process group (like a terminal's foreground job). */
function npmStart(args: string[], env: Record<string, string> = {}): Server {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: repoRoot(),
    // The ops port (default 9100) of a free port: other servers may run on this machine.
    env: shellEnv({ OPS_PORT: String(opsPort), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close' comes once npm has exited and every process holding its output (the server) has too.
  const server: Server = {
    child,
    output: () => out,
    exited: new Promise<number | null>((resolve) =>
      child.once('close', (code) => {
        server.closed = true;
        resolve(code);
      }),
    ),
    closed: false,
  };
  started.push(server);
  return server;
}

async function waitFor(server: Server, pattern: RegExp, ms = 90_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  let exitCode: number | null | undefined;
  void server.exited.then((c) => (exitCode = c));
  for (;;) {
    const m = pattern.exec(server.output());
    if (m) return m;
    if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}):\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${server.output()}`);
    await sleep(100);
  }
}

/**
 * Ctrl-C: SIGINT to the process group. Resolves once npm and the server have exited, with npm's exit code, or
 * 'SIGINT' when npm itself ended by the signal (as it does in a terminal; the server's own exit is in its log).
 */
async function stop(server: Server): Promise<number | string | null> {
  process.kill(-server.child.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-server.child.pid!, 'SIGKILL'), 60_000);
  const code = await server.exited;
  clearTimeout(timer);
  return code ?? server.child.signalCode;
}

let dataDir = '';
let port = 0;
let opsPort = 0;
let server: Server;
let demo: JmapTestClient;
let bob: JmapTestClient;
let demoAccount = '';
let bobAccount = '';
let demoPassword = '';
const BOB_PASSWORD = 'bob-password-1234';

async function ok(client: JmapTestClient, name: string, args: Args, using = MAIL): Promise<Args> {
  const res = await client.api(using, [[name, args, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const [responseName, responseArgs] = res.body.methodResponses[0];
  expect(responseName, JSON.stringify(responseArgs)).toBe(name);
  return responseArgs as Args;
}

async function roles(client: JmapTestClient, accountId: string): Promise<Record<string, string>> {
  const r = await ok(client, 'Mailbox/get', { accountId, ids: null, properties: ['role'] });
  return Object.fromEntries(
    (r.list as Args[]).filter((m) => m.role).map((m) => [m.role as string, m.id as string]),
  );
}

function message(n: number): string {
  return [
    'From: Carol <carol@elsewhere.example>',
    'To: Demo <demo@example.com>',
    `Subject: Standalone message ${n}`,
    `Message-ID: <standalone-${n}@elsewhere.example>`,
    `Date: Wed, 25 Nov 2026 1${n}:00:00 +0000`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of message ${n}, kept across restarts.`,
    '',
  ].join('\r\n');
}

/** What must survive a restart: every email with its keywords and mailboxes, and the states. */
interface Snapshot {
  emails: Args[];
  emailState: string;
  mailboxState: string;
  threadState: string;
  bobEmails: Args[];
}

async function snapshot(): Promise<Snapshot> {
  const props = ['id', 'threadId', 'mailboxIds', 'keywords', 'subject', 'receivedAt', 'blobId', 'size'];
  const e = await ok(demo, 'Email/get', { accountId: demoAccount, ids: null, properties: props });
  const m = await ok(demo, 'Mailbox/get', { accountId: demoAccount, ids: [] });
  const t = await ok(demo, 'Thread/get', { accountId: demoAccount, ids: [] });
  const b = await ok(bob, 'Email/get', { accountId: bobAccount, ids: null, properties: props });
  const byId = (x: Args, y: Args) => String(x.id).localeCompare(String(y.id));
  return {
    emails: (e.list as Args[]).sort(byId),
    emailState: e.state as string,
    mailboxState: m.state as string,
    threadState: t.state as string,
    bobEmails: (b.list as Args[]).sort(byId),
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jmap-standalone-e2e-'));
  // mkdtemp makes it 0700; as root the embedded PostgreSQL runs as "postgres", which must enter it.
  chmodSync(dataDir, 0o755);
  dataDir = join(dataDir, 'data');
  port = await freePort();
  opsPort = await freePort();
  server = npmStart(['--port', String(port), '--data-dir', dataDir]);
  demoPassword = (await waitFor(server, /password: (\S+)/))[1];
  await waitFor(server, /ready in/);
  demo = new JmapTestClient(`http://127.0.0.1:${port}`, {
    email: 'demo@example.com',
    password: demoPassword,
  });
}, 120_000);

afterAll(async () => {
  for (const s of started) if (!s.closed) await stop(s).catch(() => undefined);
  if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe('npm start on a fresh data directory (issue 10)', () => {
  it('prints where it listens, where the data is and what is embedded, and the demo login once', () => {
    const out = server.output();
    expect(out).toContain(`http://127.0.0.1:${port}/.well-known/jmap`);
    expect(out).toContain(dataDir);
    expect(out).toMatch(/embedded: PostgreSQL, file blobs, in-process bus/);
    expect(out).toMatch(/user: +demo@example\.com/);
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('serves the session to the demo account, with the mail capabilities (RFC 8620 2)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/.well-known/jmap`, {
      headers: {
        authorization: `Basic ${Buffer.from(`demo@example.com:${demoPassword}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
    const session = (await res.json()) as Args;
    expect(session.username).toBe('demo@example.com');
    const capabilities = Object.keys(session.capabilities as Args);
    expect(capabilities).toEqual(expect.arrayContaining([...SUBMISSION]));
    demoAccount = (session.primaryAccounts as Record<string, string>)['urn:ietf:params:jmap:mail'];
    expect(demoAccount).toBeTruthy();
  });

  it('lets the admin command line create an account on the running server', async () => {
    const r = await runAdmin(
      ['account', 'create', 'bob@example.com', '--password', BOB_PASSWORD, '--json'],
      adminEnv(),
    );
    expect(r.code, r.stderr).toBe(0);
    bobAccount = (JSON.parse(r.stdout) as { accountId: string }).accountId;
    bob = demo.as({ email: 'bob@example.com', password: BOB_PASSWORD });
    expect((await bob.session()).status).toBe(200);
  });

  let events: EventSourceConnection;
  let imported: string[] = [];

  it('imports mail and pushes the change to an open EventSource (RFC 8621 4.8, RFC 8620 7.3)', async () => {
    events = await openEventSource(
      `http://127.0.0.1:${port}/jmap/eventsource/?types=*&closeafter=no&ping=0`,
      {
        authorization: `Basic ${Buffer.from(`demo@example.com:${demoPassword}`).toString('base64')}`,
      },
    );
    expect(events.status).toBe(200);
    const { inbox } = await roles(demo, demoAccount);
    const blobIds: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const up = await demo.upload(demoAccount, message(n), 'message/rfc822');
      expect(up.status).toBe(201);
      blobIds.push(up.body.blobId);
    }
    const r = await ok(demo, 'Email/import', {
      accountId: demoAccount,
      emails: Object.fromEntries(
        blobIds.map((blobId, i) => [
          `m${i}`,
          { blobId, mailboxIds: { [inbox]: true }, receivedAt: `2026-11-25T1${i + 1}:00:00Z` },
        ]),
      ),
    });
    const created = r.created as Record<string, Args>;
    imported = blobIds.map((_, i) => created[`m${i}`].id as string);
    const event = await events.events.next(
      (e) =>
        e.event === 'state' &&
        (JSON.parse(e.data) as Args).changed !== undefined &&
        e.data.includes('"Email"'),
      15_000,
    );
    const changed = (JSON.parse(event.data) as { changed: Record<string, Record<string, string>> }).changed;
    expect(changed[demoAccount].Email).toBe(r.newState);
  });

  it('queries the inbox newest first (RFC 8621 4.4)', async () => {
    const { inbox } = await roles(demo, demoAccount);
    const q = await ok(demo, 'Email/query', {
      accountId: demoAccount,
      filter: { inMailbox: inbox },
      sort: [{ property: 'receivedAt', isAscending: false }],
      calculateTotal: true,
    });
    expect(q.total).toBe(3);
    expect(q.ids).toEqual([...imported].reverse());
  });

  it('changes keywords (RFC 8621 4.6)', async () => {
    const r = await ok(demo, 'Email/set', {
      accountId: demoAccount,
      update: { [imported[0]]: { 'keywords/$seen': true }, [imported[1]]: { keywords: { $flagged: true } } },
    });
    expect(Object.keys(r.updated as Args).sort()).toEqual([imported[0], imported[1]].sort());
    const g = await ok(demo, 'Email/get', {
      accountId: demoAccount,
      ids: imported,
      properties: ['keywords'],
    });
    expect((g.list as Args[]).map((e) => e.keywords)).toEqual([{ $seen: true }, { $flagged: true }, {}]);
  });

  it('sends from one local account to another (RFC 8621 7): bob finds it in his inbox', async () => {
    const demoRoles = await roles(demo, demoAccount);
    const identities = await ok(demo, 'Identity/get', { accountId: demoAccount, ids: null }, SUBMISSION);
    const identity = (identities.list as Args[]).find((i) => i.email === 'demo@example.com')!;
    expect(identity).toBeTruthy();
    const res = await demo.api(SUBMISSION, [
      [
        'Email/set',
        {
          accountId: demoAccount,
          create: {
            draft: {
              mailboxIds: { [demoRoles.drafts]: true },
              keywords: { $draft: true, $seen: true },
              from: [{ name: 'Demo', email: 'demo@example.com' }],
              to: [{ name: 'Bob', email: 'bob@example.com' }],
              subject: 'Hello from the standalone server',
              bodyValues: { t: { value: 'Sent and delivered in one process.' } },
              textBody: [{ partId: 't', type: 'text/plain' }],
            },
          },
        },
        's0',
      ],
      [
        'EmailSubmission/set',
        {
          accountId: demoAccount,
          create: { send: { emailId: '#draft', identityId: identity.id } },
          onSuccessUpdateEmail: {
            '#send': {
              [`mailboxIds/${demoRoles.drafts}`]: null,
              [`mailboxIds/${demoRoles.sent}`]: true,
              'keywords/$draft': null,
            },
          },
        },
        's1',
      ],
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const names = res.body.methodResponses.map((r: unknown[]) => r[0]);
    expect(names, JSON.stringify(res.body)).toEqual(['Email/set', 'EmailSubmission/set', 'Email/set']);
    const { inbox } = await roles(bob, bobAccount);
    let found: Args[] = [];
    for (let i = 0; i < 100 && found.length === 0; i++) {
      const q = await ok(bob, 'Email/query', { accountId: bobAccount, filter: { inMailbox: inbox } });
      if ((q.ids as string[]).length > 0) {
        const g = await ok(bob, 'Email/get', {
          accountId: bobAccount,
          ids: q.ids,
          properties: ['subject', 'from'],
        });
        found = g.list as Args[];
      } else await sleep(200);
    }
    expect(found).toMatchObject([
      { subject: 'Hello from the standalone server', from: [{ email: 'demo@example.com' }] },
    ]);
    const sent = await ok(demo, 'Email/query', {
      accountId: demoAccount,
      filter: { inMailbox: demoRoles.sent },
    });
    expect(sent.ids).toHaveLength(1);
  });

  it('refuses a second server on the same data directory with a clear message', async () => {
    const second = npmStart(['--port', String(await freePort()), '--data-dir', dataDir]);
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/in use by another server/);
    // The first one is unharmed.
    expect((await demo.session()).status).toBe(200);
  });

  let before: Snapshot;

  it('stops cleanly on Ctrl-C (SIGINT), the embedded PostgreSQL with it', async () => {
    before = await snapshot();
    expect(before.emails).toHaveLength(4);
    expect(before.bobEmails).toHaveLength(1);
    events.close();
    expect([0, 'SIGINT']).toContain(await stop(server));
    expect(server.output()).toMatch(/stopping the embedded PostgreSQL\n(.*\n)*\[jmap\] stopped\n/);
    expect(server.output()).not.toMatch(/error|failed/i);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('lets the admin command line work on the stopped data directory', async () => {
    const r = await runAdmin(['account', 'list', '--json'], adminEnv());
    expect(r.code, r.stderr).toBe(0);
    const emails = (JSON.parse(r.stdout) as Array<{ email: string }>).map((a) => a.email).sort();
    expect(emails).toEqual(['bob@example.com', 'demo@example.com']);
  });

  it('starts again on the same data directory with every message, keyword and state intact', async () => {
    server = npmStart(['--port', String(port), '--data-dir', dataDir]);
    await waitFor(server, /ready in/);
    // The demo login is printed on the first start only; the password still works.
    expect(server.output()).not.toMatch(/password:/);
    expect(await snapshot()).toEqual(before);
  });

  it('has no changes since the states read before the restart (RFC 8620 5.2)', async () => {
    const e = await ok(demo, 'Email/changes', { accountId: demoAccount, sinceState: before.emailState });
    expect(e).toMatchObject({ newState: before.emailState, created: [], updated: [], destroyed: [] });
    const m = await ok(demo, 'Mailbox/changes', { accountId: demoAccount, sinceState: before.mailboxState });
    expect(m).toMatchObject({ newState: before.mailboxState, created: [], updated: [], destroyed: [] });
    const t = await ok(demo, 'Thread/changes', { accountId: demoAccount, sinceState: before.threadState });
    expect(t).toMatchObject({ newState: before.threadState, created: [], updated: [], destroyed: [] });
  });
});

describe('npm start -- --help', () => {
  it('documents the options and exits 0', async () => {
    const help = npmStart(['--help']);
    expect(await help.exited).toBe(0);
    for (const option of ['--port', '--host', '--data-dir', 'PORT', 'HOST', 'DATA_DIR'])
      expect(help.output()).toContain(option);
  });
});
