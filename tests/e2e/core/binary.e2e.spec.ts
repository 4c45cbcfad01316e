/**
 * Binary data over HTTP (RFC 8620 section 6): uploads stored in S3 with a row per account in Postgres,
 * downloads with the client's type and name, immutable caching and byte ranges, Blob/copy between accounts,
 * isolation between principals, and the collector removing expired uploads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { markBlobReferenced } from '@jmap/blobs';
import {
  CORE_CAPABILITY,
  shareUnannounced,
  startTestStack,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CORE = CORE_CAPABILITY;
const EXPIRY_SECONDS = 3600;

let stack: TestStack;
let alice: JmapTestClient;
let bob: JmapTestClient;
let aliceAccount: string;
let bobAccount: string;
let teamAccount: string;

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  stack = await startTestStack({
    env: { UPLOAD_EXPIRY_SECONDS: String(EXPIRY_SECONDS), BLOB_COLLECT_INTERVAL_SECONDS: '0' },
  });
  const [a, b, team] = await Promise.all([
    stack.createAccount('alice@example.com', 'alice-secret'),
    stack.createAccount('bob@example.com', 'bob-secret'),
    stack.createAccount('team@example.com', 'team-secret'),
  ]);
  [aliceAccount, bobAccount, teamAccount] = [a.accountId, b.accountId, team.accountId];
  // Alice may also use the team account (a shared account: the target of Blob/copy).
  await stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
    a.principalId,
    teamAccount,
  ]);
  alice = stack.client({ email: 'alice@example.com', password: 'alice-secret' });
  bob = stack.client({ email: 'bob@example.com', password: 'bob-secret' });
});

afterAll(async () => {
  await stack?.stop();
});

async function uploadOk(
  client: JmapTestClient,
  accountId: string,
  data: Uint8Array | string,
  type = 'application/octet-stream',
) {
  const res = await client.upload(accountId, data, type);
  expect(res.status).toBe(201);
  return res.body;
}

describe('upload (RFC 8620 section 6.1)', () => {
  it('stores 0 octets and answers 201 with accountId, blobId, type and size', async () => {
    const res = await alice.upload(aliceAccount, new Uint8Array(0), 'application/octet-stream');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      accountId: aliceAccount,
      blobId: `G${sha256('')}`,
      type: 'application/octet-stream',
      size: 0,
    });
    const down = await alice.download(aliceAccount, res.body.blobId, 'empty.bin');
    expect(down.status).toBe(200);
    expect(down.body.length).toBe(0);
  });

  it('stores 1 octet', async () => {
    const body = await uploadOk(alice, aliceAccount, new Uint8Array([0x2a]));
    expect(body.size).toBe(1);
    expect((await alice.download(aliceAccount, body.blobId, 'one.bin')).body).toEqual(Buffer.from([0x2a]));
  });

  it('stores every octet value 0-255 unchanged, under the key of its SHA-256 in the bucket', async () => {
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    const body = await uploadOk(alice, aliceAccount, data);
    expect(body).toMatchObject({ size: 256, blobId: `G${sha256(data)}` });
    expect((await alice.download(aliceAccount, body.blobId, 'all.bin')).body).toEqual(Buffer.from(data));
    expect(await stack.bucketObjects()).toContain(
      `sha256/${sha256(data).slice(0, 2)}/${sha256(data).slice(2, 4)}/${sha256(data)}`,
    );
    const rows = await stack.db.query('SELECT account_id, size, expires_at FROM blobs WHERE blob_id = $1', [
      body.blobId,
    ]);
    expect(rows.rows).toEqual([{ account_id: aliceAccount, size: 256, expires_at: expect.any(Date) }]);
  });

  it("answers type with the request's Content-Type as sent, without sniffing the content (clarification Q13)", async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect((await uploadOk(alice, aliceAccount, png, 'text/plain; charset=us-ascii')).type).toBe(
      'text/plain; charset=us-ascii',
    );
    expect((await uploadOk(alice, aliceAccount, png, 'application/x-custom')).type).toBe(
      'application/x-custom',
    );
  });

  it('gives each account its own row for the same content, with the same blob id', async () => {
    const data = randomBytes(64);
    const a = await uploadOk(alice, aliceAccount, data);
    const b = await uploadOk(bob, bobAccount, data);
    expect(b.blobId).toBe(a.blobId);
    const rows = await stack.db.query('SELECT account_id FROM blobs WHERE blob_id = $1 ORDER BY account_id', [
      a.blobId,
    ]);
    expect(rows.rows.map((r) => r.account_id).sort()).toEqual([aliceAccount, bobAccount].sort());
  });

  it("answers 404 for an upload into another principal's account, storing nothing", async () => {
    const data = randomBytes(32);
    const res = await alice.upload(bobAccount, data, 'application/octet-stream');
    expect(res.status).toBe(404);
    expect((await stack.db.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256(data)])).rowCount).toBe(0);
  });

  it('answers 401 with WWW-Authenticate for an upload without credentials', async () => {
    const res = await alice.as(null).upload(aliceAccount, 'x', 'text/plain');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
  });
});

describe('download (RFC 8620 section 6.2)', () => {
  let blobId: string;
  const data = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => 255 - i));

  beforeAll(async () => {
    blobId = (await uploadOk(alice, aliceAccount, data)).blobId;
  });

  it('sets Content-Type to exactly the type parameter (clarification Q14)', async () => {
    for (const type of [
      'text/plain; charset=utf-8',
      'image/png',
      'application/vnd.example+json; profile="a b"',
    ]) {
      const res = await alice.download(aliceAccount, blobId, 'f', type);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
    }
  });

  it('names the file in Content-Disposition, with filename* for a name that is not ASCII (RFC 6266)', async () => {
    expect(
      (await alice.download(aliceAccount, blobId, 'report.pdf', 'application/pdf')).headers.get(
        'content-disposition',
      ),
    ).toBe('attachment; filename="report.pdf"');
    const intl = await alice.download(aliceAccount, blobId, 'Grüße 📎.txt', 'text/plain');
    expect(intl.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%F0%9F%93%8E.txt`,
    );
  });

  it('is cacheable for good: ETag and "Cache-Control: private, immutable, max-age=31536000"', async () => {
    const res = await alice.download(aliceAccount, blobId, 'f.bin');
    expect(res.headers.get('cache-control')).toBe('private, immutable, max-age=31536000');
    expect(res.headers.get('etag')).toBe(`"${blobId}"`);
    expect(res.body).toEqual(data);
  });

  it('answers HEAD with the headers of the download and no body', async () => {
    const res = await alice.fetch(`/jmap/download/${aliceAccount}/${blobId}/f.bin?type=image%2Fpng`, {
      method: 'HEAD',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('256');
    expect(res.headers.get('content-type')).toBe('image/png');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 304 without a body for a matching If-None-Match', async () => {
    const res = await alice.download(aliceAccount, blobId, 'f.bin', undefined, {
      'if-none-match': `"${blobId}"`,
    });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers.get('etag')).toBe(`"${blobId}"`);
  });

  it('answers a single byte range with 206 and Content-Range (RFC 7233)', async () => {
    const res = await alice.download(aliceAccount, blobId, 'f.bin', undefined, { range: 'bytes=10-19' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 10-19/256');
    expect(res.body).toEqual(data.subarray(10, 20));
  });

  it('answers open and suffix byte ranges', async () => {
    const open = await alice.download(aliceAccount, blobId, 'f.bin', undefined, { range: 'bytes=250-' });
    expect([open.status, open.headers.get('content-range')]).toEqual([206, 'bytes 250-255/256']);
    expect(open.body).toEqual(data.subarray(250));
    const suffix = await alice.download(aliceAccount, blobId, 'f.bin', undefined, { range: 'bytes=-4' });
    expect(suffix.body).toEqual(data.subarray(252));
  });

  it('answers 416 with "Content-Range: bytes */size" for a range past the end', async () => {
    const res = await alice.download(aliceAccount, blobId, 'f.bin', undefined, { range: 'bytes=256-300' });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */256');
  });

  it('sends the whole blob for several ranges or a stale If-Range', async () => {
    const multi = await alice.download(aliceAccount, blobId, 'f.bin', undefined, { range: 'bytes=0-1,5-6' });
    expect([multi.status, multi.body.length]).toEqual([200, 256]);
    const stale = await alice.download(aliceAccount, blobId, 'f.bin', undefined, {
      range: 'bytes=0-1',
      'if-range': '"Gother"',
    });
    expect([stale.status, stale.body.length]).toEqual([200, 256]);
  });

  it('answers 404 problem+json for a blob id the account does not have', async () => {
    const res = await alice.download(aliceAccount, `G${'0'.repeat(64)}`, 'f.bin');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("answers bob 404 for alice's blob, exactly as for a blob that does not exist (invariant 7)", async () => {
    const viaAlice = await bob.download(aliceAccount, blobId, 'f.bin');
    const viaOwn = await bob.download(bobAccount, blobId, 'f.bin');
    const missing = await bob.download(bobAccount, `G${'0'.repeat(64)}`, 'f.bin');
    expect([viaAlice.status, viaOwn.status, missing.status]).toEqual([404, 404, 404]);
    expect(viaAlice.body.toString()).toBe(missing.body.toString());
    expect(viaOwn.body.toString()).toBe(missing.body.toString());
  });

  it('serves a blob of an account shared a moment ago to a login the gateway remembers (ADR 0011)', async () => {
    const dan = await stack.createAccount('dan@example.com', 'dan-secret');
    const danClient = stack.client({ email: 'dan@example.com', password: 'dan-secret' });
    const data = new Uint8Array([7, 7, 7]);
    const shared = await uploadOk(alice, teamAccount, data);
    // Used a few times, so the gateway answers dan's requests from memory.
    for (let i = 0; i < 3; i++)
      expect((await danClient.download(dan.accountId, shared.blobId, 'x.bin')).status).toBe(404);
    expect((await danClient.download(teamAccount, shared.blobId, 'x.bin')).status).toBe(404);
    // Unannounced: only the gateway's look-up before a 404 can find the share.
    await shareUnannounced(stack.db, dan.principalId, teamAccount);
    const res = await danClient.download(teamAccount, shared.blobId, 'x.bin');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(Buffer.from(data));
  });
});

describe('Blob/copy (RFC 8620 section 6.3)', () => {
  it('copies a blob to another account the principal may use; the copy downloads from there', async () => {
    const data = randomBytes(100);
    const { blobId } = await uploadOk(alice, aliceAccount, data);
    const res = await alice.call('Blob/copy', {
      fromAccountId: aliceAccount,
      accountId: teamAccount,
      blobIds: [blobId],
    });
    expect(res).toEqual({
      name: 'Blob/copy',
      args: {
        fromAccountId: aliceAccount,
        accountId: teamAccount,
        copied: { [blobId]: blobId },
        notCopied: null,
      },
    });
    expect((await alice.download(teamAccount, blobId, 'copy.bin')).body).toEqual(data);
  });

  it('reports a blob the source account does not have as notFound, even when another account has it', async () => {
    const { blobId: bobsBlob } = await uploadOk(bob, bobAccount, randomBytes(50));
    const missing = `G${'1'.repeat(64)}`;
    const res = await alice.call('Blob/copy', {
      fromAccountId: aliceAccount,
      accountId: teamAccount,
      blobIds: [bobsBlob, missing],
    });
    expect(res.args.copied).toBeNull();
    expect(res.args.notCopied).toEqual({
      [bobsBlob]: expect.objectContaining({ type: 'notFound' }),
      [missing]: expect.objectContaining({ type: 'notFound' }),
    });
    expect((await alice.download(teamAccount, bobsBlob, 'x')).status).toBe(404);
  });

  it('refuses a copy within one account with invalidArguments (clarification Q12)', async () => {
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: aliceAccount, accountId: aliceAccount, blobIds: ['Gx'] }, 'c1']],
    );
    expect(res.body.methodResponses[0]).toEqual([
      'error',
      expect.objectContaining({ type: 'invalidArguments' }),
      'c1',
    ]);
  });

  it("answers fromAccountNotFound to bob copying out of alice's account", async () => {
    const { blobId } = await uploadOk(alice, aliceAccount, randomBytes(20));
    const res = await bob.api(
      [CORE],
      [['Blob/copy', { fromAccountId: aliceAccount, accountId: bobAccount, blobIds: [blobId] }, 'c1']],
    );
    expect(res.body.methodResponses[0]).toEqual([
      'error',
      expect.objectContaining({ type: 'fromAccountNotFound' }),
      'c1',
    ]);
    expect((await bob.download(bobAccount, blobId, 'x')).status).toBe(404);
  });
});

describe('expiry of unreferenced uploads (RFC 8620 section 6)', () => {
  const later = () => new Date(Date.now() + (EXPIRY_SECONDS + 120) * 1000).toISOString();

  it('keeps an upload within its expiry: collecting now removes nothing of it', async () => {
    const { blobId } = await uploadOk(alice, aliceAccount, randomBytes(40));
    const run = await stack.admin(['blobs', 'collect', '--json']);
    expect(run.code).toBe(0);
    expect((await alice.download(aliceAccount, blobId, 'x')).status).toBe(200);
  });

  it('collects an expired upload: its row and then its object in the bucket', async () => {
    const data = randomBytes(48);
    const { blobId } = await uploadOk(alice, aliceAccount, data);
    const run = await stack.admin(['blobs', 'collect', '--now', later(), '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      rowsDeleted: expect.any(Number),
      objectsDeleted: expect.any(Number),
    });
    expect(JSON.parse(run.stdout).objectsDeleted).toBeGreaterThanOrEqual(1);
    expect((await stack.db.query('SELECT 1 FROM blobs WHERE blob_id = $1', [blobId])).rowCount).toBe(0);
    expect((await stack.bucketObjects()).some((k) => k.endsWith(sha256(data)))).toBe(false);
    expect((await alice.download(aliceAccount, blobId, 'x')).status).toBe(404);
  });

  it('keeps the object while another row still names it (a referenced blob of another account)', async () => {
    const data = randomBytes(56);
    const { blobId } = await uploadOk(alice, aliceAccount, data);
    await alice.call('Blob/copy', { fromAccountId: aliceAccount, accountId: teamAccount, blobIds: [blobId] });
    // An Email in the team account now references the blob (what the email service does when it imports it).
    expect(await markBlobReferenced(stack.db, teamAccount, blobId)).toBe(true);
    await stack.admin(['blobs', 'collect', '--now', later()]);
    expect((await alice.download(aliceAccount, blobId, 'x')).status).toBe(404);
    expect((await alice.download(teamAccount, blobId, 'x')).body).toEqual(data);
    expect((await stack.bucketObjects()).some((k) => k.endsWith(sha256(data)))).toBe(true);
  });

  it('gives a re-upload of collected content a working blob again', async () => {
    const data = randomBytes(60);
    await uploadOk(alice, aliceAccount, data);
    await stack.admin(['blobs', 'collect', '--now', later()]);
    const again = await uploadOk(alice, aliceAccount, data);
    expect((await alice.download(aliceAccount, again.blobId, 'x')).body).toEqual(data);
  });
});

describe('statelessness', () => {
  it('serves a blob uploaded before the gateway was killed from the restarted gateway (the gateway keeps nothing)', async () => {
    const data = randomBytes(70);
    const { blobId } = await uploadOk(alice, aliceAccount, data);
    const metrics = await (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text();
    expect(metrics).toMatch(/jmap_upload_bytes_total\{[^}]*\} [1-9]/);
    await stack.kill('gateway', 1, 'SIGKILL');
    await stack.restart('gateway');
    expect((await fetch(`${stack.opsUrl('gateway')}/readyz`)).status).toBe(200);
    expect((await alice.download(aliceAccount, blobId, 'x')).body).toEqual(data);
  });
});
