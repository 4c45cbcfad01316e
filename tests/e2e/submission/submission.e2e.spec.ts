/**
 * EmailSubmission (RFC 8621 7) through the distributed path: HTTP → gateway → Kafka → submission service →
 * Postgres, then the sender: local recipients through local delivery (Email/import into their Inbox), remote ones
 * through a real SMTP server on loopback (the test's sink) as the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpClient, authorizationHeader, openEventSource, sleep } from '@jmap/testing';
import {
  USING,
  calls,
  draft,
  getSubmission,
  message,
  ok,
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
const CAROL = 'carol@external.test';

beforeAll(async () => {
  world = await startSubmissionWorld(
    { SUBMISSION_MAX_RECIPIENTS: '5', SUBMISSION_MAX_DELAYED_SEND: '86400', SUBMISSION_MAX_PER_DAY: '30' },
    ['push-service', 'delivery-service'],
  );
  alice = await world.person('alice@example.com');
  bob = await world.person('bob@example.com');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

const create = (p: Person, create: Record<string, Args>, extra: Args = {}) =>
  calls(p.client, 'EmailSubmission/set', { accountId: p.accountId, create, ...extra });

describe('EmailSubmission/set sends (RFC 8621 7.5)', () => {
  it('the session and accounts carry the submission capability with maxDelayedSend (RFC 8621 1.3.2)', async () => {
    const body = (await alice.client.session()).body as {
      capabilities: Record<string, unknown>;
      accounts: Record<string, { accountCapabilities: Record<string, unknown> }>;
    };
    expect(body.capabilities['urn:ietf:params:jmap:submission']).toEqual({});
    expect(body.capabilities['urn:ietf:params:jmap:vacationresponse']).toEqual({});
    const account = body.accounts[alice.accountId].accountCapabilities;
    expect(account['urn:ietf:params:jmap:submission']).toMatchObject({
      maxDelayedSend: 86400,
      submissionExtensions: { FUTURERELEASE: ['86400'] },
    });
    expect(account['urn:ietf:params:jmap:vacationresponse']).toEqual({});
  });

  it('alice sends to bob (local) and carol (external): the relay gets exactly the message and envelope, bob gets it in his Inbox with a push, and the draft moves to Sent without $draft', async () => {
    const es = await openEventSource(`${world.stack.url}/jmap/eventsource/?types=*&closeafter=no&ping=0`, {
      authorization: authorizationHeader({ email: bob.email, password: `${bob.email}-password` })!,
    });
    expect(es.status).toBe(200);
    const raw = message({
      from: 'Alice <alice@example.com>',
      to: ['Bob <bob@example.com>'],
      cc: [CAROL],
      bcc: ['hidden@external.test'],
      subject: 'Lunch',
      id: 'lunch-1@example.com',
    });
    const d = await draft(alice, raw);
    const responses = await create(
      alice,
      { k1: { identityId: alice.identityId, emailId: d.id } },
      {
        onSuccessUpdateEmail: {
          '#k1': {
            [`mailboxIds/${alice.roles.drafts}`]: null,
            [`mailboxIds/${alice.roles.sent}`]: true,
            'keywords/$draft': null,
          },
        },
      },
    );
    // The implicit Email/set response follows with the same call id (RFC 8621 7.5, rfc-clarifications Q19).
    expect(
      responses.map(([n, , c]) => [n, c]),
      JSON.stringify(responses),
    ).toEqual([
      ['EmailSubmission/set', 'c'],
      ['Email/set', 'c'],
    ]);
    const [[, set], [, emailSet]] = responses;
    const created = (set.created as Record<string, Args>).k1;
    expect(created.id).toEqual(expect.any(String));
    expect(emailSet.updated).toEqual({ [d.id]: null });
    const [sent] = (
      await ok(alice.client, 'Email/get', {
        accountId: alice.accountId,
        ids: [d.id],
        properties: ['mailboxIds', 'keywords'],
      })
    ).list as Args[];
    expect(sent.mailboxIds).toEqual({ [alice.roles.sent]: true });
    expect(sent.keywords).toEqual({ $seen: true });

    const [got] = await world.sink.waitForMessages(1);
    // Envelope derived from the header fields (RFC 8621 7): From → mailFrom; To, Cc, Bcc → rcptTo; bob is local.
    expect(got.mailFrom).toBe('alice@example.com');
    expect(got.rcptTo.sort()).toEqual([CAROL, 'hidden@external.test']);
    // Exactly the submitted message, without its Bcc field (RFC 8621 7.5 "MUST remove any Bcc header field").
    expect(got.raw.toString()).toBe(raw.replace('Bcc: hidden@external.test\r\n', ''));

    const inbox = await waitForEmails(bob, bob.roles.inbox, 1);
    const [received] = (
      await ok(bob.client, 'Email/get', {
        accountId: bob.accountId,
        ids: inbox,
        properties: ['subject', 'messageId', 'bcc'],
      })
    ).list as Args[];
    expect(received).toMatchObject({ subject: 'Lunch', messageId: ['lunch-1@example.com'], bcc: null });
    const push = await es.events.next(
      (e) =>
        e.event === 'state' &&
        JSON.stringify(JSON.parse(e.data).changed?.[bob.accountId] ?? {}).includes('Email'),
      15_000,
    );
    expect(JSON.parse(push.data).changed[bob.accountId]).toHaveProperty('Email');
    es.close();

    const s = await waitSubmission(
      alice,
      created.id as string,
      (x) =>
        x.undoStatus === 'final' &&
        Object.values(x.deliveryStatus as DeliveryMap).every((v) => v.delivered !== 'queued'),
    );
    expect(s).toMatchObject({
      identityId: alice.identityId,
      emailId: d.id,
      threadId: d.threadId,
      dsnBlobIds: [],
      mdnBlobIds: [],
    });
    const status = s.deliveryStatus as DeliveryMap;
    expect(status['bob@example.com']).toMatchObject({ delivered: 'yes', displayed: 'unknown' });
    expect(status['bob@example.com'].smtpReply).toMatch(/^250 /);
    // Relayed, not known to be in the final store: "unknown" (RFC 8621 7 delivered).
    expect(status[CAROL]).toMatchObject({ delivered: 'unknown', smtpReply: expect.stringMatching(/^250 /) });
    expect(world.sink.messages).toHaveLength(1);
  });

  it('onSuccessDestroyEmail destroys the sent Email in the implicit Email/set; a failed create triggers nothing', async () => {
    const d = await draft(
      alice,
      message({
        from: 'alice@example.com',
        to: ['bob@example.com'],
        subject: 'Gone',
        id: 'gone-1@example.com',
      }),
    );
    const kept = await draft(
      alice,
      message({ from: 'alice@example.com', subject: 'Kept', id: 'kept-1@example.com' }),
    );
    const responses = await create(
      alice,
      {
        ok: { identityId: alice.identityId, emailId: d.id },
        bad: { identityId: alice.identityId, emailId: kept.id },
      },
      { onSuccessDestroyEmail: ['#ok', '#bad'] },
    );
    expect(responses.map(([n]) => n)).toEqual(['EmailSubmission/set', 'Email/set']);
    const [[, set], [, emailSet]] = responses;
    expect((set.notCreated as Record<string, Args>).bad).toMatchObject({ type: 'noRecipients' });
    expect(emailSet.destroyed).toEqual([d.id]);
    const got = await ok(alice.client, 'Email/get', {
      accountId: alice.accountId,
      ids: [d.id, kept.id],
      properties: ['id'],
    });
    expect(got.notFound).toEqual([d.id]);
    // Destroying the Email does not stop the send (RFC 8621 7.5).
    const id = (set.created as Record<string, Args>).ok.id as string;
    const s = await waitSubmission(alice, id, (x) => x.undoStatus === 'final');
    expect((s.deliveryStatus as DeliveryMap)['bob@example.com'].delivered).toBe('yes');
  });

  it('a permanent 5xx is delivered "no" with the reply; other recipients still get it', async () => {
    world.sink.rejectRecipient('nobody@external.test', { code: 550, message: '5.1.1 No such mailbox here' });
    const before = world.sink.messages.length;
    const d = await draft(
      alice,
      message({
        from: 'alice@example.com',
        to: ['nobody@external.test', CAROL],
        subject: 'Bounce',
        id: 'bounce-1@example.com',
      }),
    );
    const [[, set]] = await create(alice, { b: { identityId: alice.identityId, emailId: d.id } });
    const id = (set.created as Record<string, Args>).b.id as string;
    const s = await waitSubmission(alice, id, (x) =>
      Object.values(x.deliveryStatus as DeliveryMap).every((v) => v.delivered !== 'queued'),
    );
    const status = s.deliveryStatus as DeliveryMap;
    expect(status['nobody@external.test']).toEqual({
      delivered: 'no',
      smtpReply: '550 5.1.1 No such mailbox here',
      displayed: 'unknown',
    });
    expect(status[CAROL].delivered).toBe('unknown');
    await world.sink.waitForMessages(before + 1);
    expect(world.sink.messages[before].rcptTo).toEqual([CAROL]);
    world.sink.rejectRecipient('nobody@external.test', null);
  });

  it("a DSN that comes back for a relayed message sets the recipient's status and dsnBlobIds (RFC 8621 7, RFC 3464)", async () => {
    const d = await draft(
      alice,
      message({
        from: 'alice@example.com',
        to: ['erik@external.test'],
        subject: 'Will bounce later',
        id: 'later-bounce-1@example.com',
      }),
    );
    const [[, set]] = await create(alice, { x: { identityId: alice.identityId, emailId: d.id } });
    const id = (set.created as Record<string, Args>).x.id as string;
    await waitSubmission(
      alice,
      id,
      (x) => (x.deliveryStatus as DeliveryMap)['erik@external.test'].delivered === 'unknown',
    );
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.external.test>',
      'To: alice@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.external.test>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.external.test',
      '',
      'Final-Recipient: rfc822; erik@external.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <erik@external.test>: Recipient address rejected',
      '',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: alice@example.com',
      'To: erik@external.test',
      'Subject: Will bounce later',
      'Message-ID: <later-bounce-1@example.com>',
      '',
      '--B--',
      '',
    ].join('\r\n');
    const lmtp = await LmtpClient.open(world.stack.lmtpPort());
    const r = await lmtp.send({ from: '', to: ['alice@example.com'], message: dsn });
    await lmtp.quit();
    expect(r.final.map((x) => x.code)).toEqual([250]);
    const s = await waitSubmission(alice, id, (x) => (x.dsnBlobIds as string[]).length > 0);
    expect((s.deliveryStatus as DeliveryMap)['erik@external.test']).toEqual({
      delivered: 'no',
      smtpReply: '550 5.1.1 <erik@external.test>: Recipient address rejected',
      displayed: 'unknown',
    });
    const [blobId] = s.dsnBlobIds as string[];
    const download = await alice.client.download(alice.accountId, blobId, 'dsn.eml', 'message/rfc822');
    expect(download.status).toBe(200);
    expect(download.body.toString()).toContain('Message-ID: <dsn-1@mx.external.test>');
  });

  it('relay down: the send stays queued with the failure, is retried and delivered once the relay is back', async () => {
    await world.sink.down();
    const before = world.sink.messages.length;
    const d = await draft(
      alice,
      message({ from: 'alice@example.com', to: [CAROL], subject: 'Retry', id: 'retry-1@example.com' }),
    );
    const [[, set]] = await create(alice, { r: { identityId: alice.identityId, emailId: d.id } });
    const id = (set.created as Record<string, Args>).r.id as string;
    const queued = await waitSubmission(
      alice,
      id,
      (x) =>
        /^4\d\d /.test((x.deliveryStatus as DeliveryMap)[CAROL].smtpReply) &&
        (x.deliveryStatus as DeliveryMap)[CAROL].delivered === 'queued',
    );
    expect(queued.undoStatus).toBe('pending');
    const { rows } = await world.stack.db.query<{ attempts: number }>(
      'SELECT attempts FROM submission_queue WHERE submission_id = $1',
      [id],
    );
    expect(rows[0].attempts).toBeGreaterThanOrEqual(1);
    await world.sink.up();
    const done = await waitSubmission(
      alice,
      id,
      (x) => (x.deliveryStatus as DeliveryMap)[CAROL].delivered === 'unknown',
    );
    expect(done.undoStatus).toBe('final');
    expect((done.deliveryStatus as DeliveryMap)[CAROL].smtpReply).toMatch(/^250 /);
    await world.sink.waitForMessages(before + 1);
    await sleep(1000);
    expect(world.sink.messages.filter((m) => m.raw.includes('retry-1@example.com'))).toHaveLength(1);
  });

  it('sendAt in the future (FUTURERELEASE HOLDFOR), then canceled: never sent; a final one cannot be unsent', async () => {
    const before = world.sink.messages.length;
    const d = await draft(
      alice,
      message({ from: 'alice@example.com', to: [CAROL], subject: 'Later', id: 'later-1@example.com' }),
    );
    const started = Date.now();
    // Created and canceled in one request ("#l" names the creation), so the cancel never races the release time.
    const res = await alice.client.api(USING, [
      [
        'EmailSubmission/set',
        {
          accountId: alice.accountId,
          create: {
            l: {
              identityId: alice.identityId,
              emailId: d.id,
              envelope: {
                mailFrom: { email: 'alice@example.com', parameters: { HOLDFOR: '5' } },
                rcptTo: [{ email: CAROL, parameters: null }],
              },
            },
          },
        },
        'c1',
      ],
      [
        'EmailSubmission/set',
        { accountId: alice.accountId, update: { '#l': { undoStatus: 'canceled' } } },
        'c2',
      ],
    ]);
    const [[, set], [, upd]] = res.body.methodResponses as Array<[string, Args, string]>;
    const l = (set.created as Record<string, Args>).l;
    expect(l.undoStatus).toBe('pending');
    const sendAt = Date.parse(l.sendAt as string);
    expect(sendAt).toBeGreaterThanOrEqual(started + 4000);
    expect(upd.updated, JSON.stringify(upd)).toEqual({ [l.id as string]: null });
    // Past the release time: a canceled send never goes out.
    await sleep(Math.max(0, sendAt - Date.now()) + 2500);
    expect(world.sink.messages.slice(before).filter((m) => m.raw.includes('later-1@example.com'))).toEqual(
      [],
    );
    const q = await world.stack.db.query<{ state: string }>(
      'SELECT state FROM submission_queue WHERE submission_id = $1',
      [l.id],
    );
    expect(q.rows[0].state).toBe('canceled');
    expect(await getSubmission(alice, l.id as string)).toMatchObject({ undoStatus: 'canceled' });
    // Once final, "cannotUnsend" (RFC 8621 7.5).
    const finals = await ok(alice.client, 'EmailSubmission/query', {
      accountId: alice.accountId,
      filter: { undoStatus: 'final' },
    });
    const finalId = (finals.ids as string[])[0];
    const [[, again]] = await calls(alice.client, 'EmailSubmission/set', {
      accountId: alice.accountId,
      update: { [finalId]: { undoStatus: 'canceled' } },
    });
    expect((again.notUpdated as Record<string, Args>)[finalId]).toMatchObject({ type: 'cannotUnsend' });
  });

  it('each SetError of section 7.5 changes nothing', async () => {
    const good = await draft(
      alice,
      message({ from: 'alice@example.com', to: [CAROL], subject: 'Errors', id: 'errors-1@example.com' }),
    );
    const forged = await draft(
      alice,
      message({ from: 'ceo@example.com', to: [CAROL], subject: 'Forged', id: 'forged-1@example.com' }),
    );
    const twoFroms = await draft(
      alice,
      message({
        from: 'alice@example.com',
        extra: ['From: alice@example.com'],
        to: [CAROL],
        subject: 'Two',
        id: 'two-1@example.com',
      }),
    );
    const nobody = await draft(
      alice,
      message({ from: 'alice@example.com', subject: 'Nobody', id: 'nobody-1@example.com' }),
    );
    const env = (mailFrom: string, rcpt: string[]) => ({
      mailFrom: { email: mailFrom, parameters: null },
      rcptTo: rcpt.map((email) => ({ email, parameters: null })),
    });
    const base = { identityId: alice.identityId, emailId: good.id };
    const [[, r]] = await create(alice, {
      unknownEmail: { identityId: alice.identityId, emailId: 'Mnope' },
      unknownIdentity: { identityId: 'Inope', emailId: good.id },
      noRecipients: { ...base, emailId: nobody.id },
      tooMany: {
        ...base,
        envelope: env('alice@example.com', [
          'a@x.test',
          'b@x.test',
          'c@x.test',
          'd@x.test',
          'e@x.test',
          'f@x.test',
        ]),
      },
      invalidRecipients: { ...base, envelope: env('alice@example.com', ['ok@x.test', 'no-at-sign']) },
      forbiddenMailFrom: { ...base, envelope: env('mallory@example.com', [CAROL]) },
      forbiddenFrom: { ...base, emailId: forged.id },
      invalidEmail: { ...base, emailId: twoFroms.id },
      tooFar: {
        ...base,
        envelope: {
          mailFrom: { email: 'alice@example.com', parameters: { HOLDFOR: '999999' } },
          rcptTo: [{ email: CAROL, parameters: null }],
        },
      },
    });
    const nc = r.notCreated as Record<string, Args>;
    expect(r.created).toBeNull();
    expect(nc.unknownEmail).toMatchObject({ type: 'invalidProperties', properties: ['emailId'] });
    expect(nc.unknownIdentity).toMatchObject({ type: 'invalidProperties', properties: ['identityId'] });
    expect(nc.noRecipients).toMatchObject({ type: 'noRecipients' });
    expect(nc.tooMany).toMatchObject({ type: 'tooManyRecipients', maxRecipients: 5 });
    expect(nc.invalidRecipients).toMatchObject({
      type: 'invalidRecipients',
      invalidRecipients: ['no-at-sign'],
    });
    expect(nc.forbiddenMailFrom).toMatchObject({ type: 'forbiddenMailFrom' });
    expect(nc.forbiddenFrom).toMatchObject({ type: 'forbiddenFrom' });
    expect(nc.invalidEmail).toMatchObject({ type: 'invalidEmail', properties: ['from'] });
    expect(nc.tooFar).toMatchObject({ type: 'invalidProperties', properties: ['envelope'] });
    // Nothing was appended: the state the call ran against is the state after it.
    expect(r.newState).toBe(r.oldState);
    // Unknown ids in update and destroy are notFound; unknown arguments are invalidArguments.
    const [[, u]] = await calls(alice.client, 'EmailSubmission/set', {
      accountId: alice.accountId,
      update: { Snope: { undoStatus: 'canceled' } },
      destroy: ['Snope2'],
    });
    expect(u.notUpdated).toEqual({ Snope: { type: 'notFound' } });
    expect(u.notDestroyed).toEqual({ Snope2: { type: 'notFound' } });
    const [[name, bad]] = await calls(alice.client, 'EmailSubmission/set', {
      accountId: alice.accountId,
      onSuccessDestroyEmail: 'x',
    });
    expect([name, bad.type]).toEqual(['error', 'invalidArguments']);
  });

  it('forbiddenToSend past the daily allowance (RFC 8621 7.5)', async () => {
    const erin = await world.person('erin@example.com');
    const d = await draft(
      erin,
      message({ from: 'erin@example.com', to: [CAROL], subject: 'Many', id: 'many-1@example.com' }),
    );
    const hold = {
      mailFrom: { email: 'erin@example.com', parameters: { HOLDFOR: '80000' } },
      rcptTo: [{ email: CAROL, parameters: null }],
    };
    // This stack allows 30 submissions per account and day (SUBMISSION_MAX_PER_DAY): 30 held sends, then one more.
    const create31 = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [
        `h${i}`,
        { identityId: erin.identityId, emailId: d.id, envelope: hold },
      ]),
    );
    const [[, r]] = await create(erin, create31);
    expect(Object.keys(r.created as Args)).toHaveLength(30);
    expect(Object.keys(r.notCreated as Args)).toEqual(['h30']);
    expect((r.notCreated as Record<string, Args>).h30).toMatchObject({
      type: 'forbiddenToSend',
      description: expect.stringContaining('30'),
    });
  });
});

describe('EmailSubmission/get, /changes, /query, /queryChanges (RFC 8621 7.1-7.4)', () => {
  it('lists, filters, sorts and reports changes', async () => {
    const all = await ok(alice.client, 'EmailSubmission/query', {
      accountId: alice.accountId,
      sort: [{ property: 'sentAt', isAscending: true }],
      calculateTotal: true,
    });
    expect(all.total).toBeGreaterThanOrEqual(4);
    const got = await ok(alice.client, 'EmailSubmission/get', {
      accountId: alice.accountId,
      ids: all.ids,
      properties: ['sendAt', 'undoStatus'],
    });
    const sendAts = (got.list as Args[]).map((s) => s.sendAt as string);
    expect([...sendAts].sort()).toEqual(sendAts);
    const canceled = await ok(alice.client, 'EmailSubmission/query', {
      accountId: alice.accountId,
      filter: { undoStatus: 'canceled' },
    });
    expect(canceled.ids).toHaveLength(1);
    const [[name, err]] = await calls(alice.client, 'EmailSubmission/query', {
      accountId: alice.accountId,
      filter: { subject: 'x' },
    });
    expect([name, err.type]).toEqual(['error', 'unsupportedFilter']);

    const since = (await ok(alice.client, 'EmailSubmission/get', { accountId: alice.accountId, ids: [] }))
      .state as string;
    const queryState = all.queryState as string;
    const d = await draft(
      alice,
      message({
        from: 'alice@example.com',
        to: ['bob@example.com'],
        subject: 'Changes',
        id: 'changes-1@example.com',
      }),
    );
    const [[, set]] = await create(alice, { c: { identityId: alice.identityId, emailId: d.id } });
    const id = (set.created as Record<string, Args>).c.id as string;
    await waitSubmission(alice, id, (x) => x.undoStatus === 'final');
    const changes = await ok(alice.client, 'EmailSubmission/changes', {
      accountId: alice.accountId,
      sinceState: since,
    });
    expect(changes.created).toEqual([id]);
    const qc = await ok(alice.client, 'EmailSubmission/queryChanges', {
      accountId: alice.accountId,
      sinceQueryState: queryState,
      sort: [{ property: 'sentAt', isAscending: true }],
    });
    expect((qc.added as Args[]).map((a) => a.id)).toContain(id);
    // Destroying the record does not touch the delivery (RFC 8621 7.5); it only removes the record.
    const [[, des]] = await calls(alice.client, 'EmailSubmission/set', {
      accountId: alice.accountId,
      destroy: [id],
    });
    expect(des.destroyed).toEqual([id]);
    const gone = await ok(alice.client, 'EmailSubmission/get', { accountId: alice.accountId, ids: [id] });
    expect(gone.notFound).toEqual([id]);
  });
});

describe('VacationResponse (RFC 8621 8)', () => {
  it('get returns the singleton; create and destroy are refused with "singleton"', async () => {
    const g = await ok(bob.client, 'VacationResponse/get', { accountId: bob.accountId, ids: null });
    expect(g.list).toEqual([
      {
        id: 'singleton',
        isEnabled: false,
        fromDate: null,
        toDate: null,
        subject: null,
        textBody: null,
        htmlBody: null,
      },
    ]);
    const [[, s]] = await calls(bob.client, 'VacationResponse/set', {
      accountId: bob.accountId,
      create: { x: { isEnabled: true } },
      destroy: ['singleton'],
      update: { singleton: { isEnabled: 'yes' } },
    });
    expect((s.notCreated as Record<string, Args>).x).toMatchObject({ type: 'singleton' });
    expect((s.notDestroyed as Record<string, Args>).singleton).toMatchObject({ type: 'singleton' });
    expect((s.notUpdated as Record<string, Args>).singleton).toMatchObject({
      type: 'invalidProperties',
      properties: ['isEnabled'],
    });
  });

  it('replies once per sender per period, never to a list, with Auto-Submitted and In-Reply-To (RFC 3834)', async () => {
    const s = await ok(bob.client, 'VacationResponse/set', {
      accountId: bob.accountId,
      update: { singleton: { isEnabled: true, subject: 'Out of office', textBody: 'Back on Monday.' } },
    });
    expect(s.updated).toEqual({ singleton: null });
    expect(
      (
        (await ok(bob.client, 'VacationResponse/get', { accountId: bob.accountId, ids: ['singleton'] }))
          .list as Args[]
      )[0],
    ).toMatchObject({
      isEnabled: true,
      subject: 'Out of office',
    });
    const inboxBefore = (await waitForEmails(alice, alice.roles.inbox, 0)).length;
    const sinkBefore = world.sink.messages.length;
    const send = async (id: string, extra: string[] = []) => {
      const d = await draft(
        alice,
        message({ from: 'alice@example.com', to: ['bob@example.com'], subject: `Hi ${id}`, id, extra }),
      );
      const [[, r]] = await create(alice, { v: { identityId: alice.identityId, emailId: d.id } });
      await waitSubmission(
        alice,
        (r.created as Record<string, Args>).v.id as string,
        (x) => x.undoStatus === 'final',
      );
    };
    await send('vac-1@example.com');
    const replies = await waitForEmails(alice, alice.roles.inbox, inboxBefore + 1);
    await send('vac-2@example.com');
    await send('vac-list@example.com', ['List-Id: <team.example.com>']);
    await sleep(2000);
    const after = await ok(alice.client, 'Email/query', {
      accountId: alice.accountId,
      filter: { inMailbox: alice.roles.inbox },
    });
    expect((after.ids as string[]).length).toBe(inboxBefore + 1);
    const [reply] = (
      await ok(alice.client, 'Email/get', {
        accountId: alice.accountId,
        ids: replies,
        properties: ['subject', 'from', 'inReplyTo', 'header:Auto-Submitted:asText'],
      })
    ).list as Args[];
    expect(reply).toMatchObject({
      subject: 'Out of office',
      from: [{ name: null, email: 'bob@example.com' }],
      inReplyTo: ['vac-1@example.com'],
      'header:Auto-Submitted:asText': 'auto-replied',
    });
    // Local senders get the reply through local delivery, not the relay.
    expect(world.sink.messages.length).toBe(sinkBefore);
  });

  it('an external sender gets the reply through the relay from the null reverse-path, once per period (RFC 3834 3.3)', async () => {
    const before = world.sink.messages.length;
    const deliver = async (id: string) => {
      const lmtp = await LmtpClient.open(world.stack.lmtpPort());
      const r = await lmtp.send({
        from: 'dave@external.test',
        to: ['bob@example.com'],
        message: message({
          from: 'Dave <dave@external.test>',
          to: ['bob@example.com'],
          subject: 'Question',
          id,
        }),
      });
      await lmtp.quit();
      expect(r.final.map((x) => x.code)).toEqual([250]);
    };
    await deliver('q-1@external.test');
    const [reply] = (await world.sink.waitForMessages(before + 1)).slice(before);
    expect(reply.mailFrom).toBe('');
    expect(reply.rcptTo).toEqual(['dave@external.test']);
    const text = reply.raw.toString();
    expect(text).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(text).toMatch(/^In-Reply-To: <q-1@external\.test>\r$/m);
    expect(text).toMatch(/^From: bob@example\.com\r$/m);
    await deliver('q-2@external.test');
    await sleep(2500);
    expect(world.sink.messages.length).toBe(before + 1);
  });
});
