/**
 * Blob rows and objects on the real PostgreSQL and S3 (MinIO): the collector never deletes an object that a row
 * names, however it interleaves with uploads and copies of the same bytes (DESIGN.md invariant 6).
 */
import { randomBytes } from 'node:crypto';
import { S3BlobStore, sha256Hex } from '@jmap/blob-store';
import { createPool, type Pool } from '@jmap/platform';
import { createTestDatabase, testEndpoints, uniqueName } from '@jmap/testing';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBlobs } from './blob-collector.js';
import { copyBlob, findBlob, markBlobReferenced, storeBlob } from './blobs.repository.js';

let pool: Pool;
let store: S3BlobStore;
let dropDatabase: () => Promise<void>;
const bucket = uniqueName('blobs-int-');
const endpoints = testEndpoints();

const future = () => new Date(Date.now() + 2 * 86_400_000);

beforeAll(async () => {
  const db = await createTestDatabase(endpoints.DATABASE_URL);
  dropDatabase = db.drop;
  pool = createPool(db.url, 12, 'blobs-int');
  store = new S3BlobStore({
    endpoint: endpoints.S3_ENDPOINT,
    region: 'us-east-1',
    bucket,
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
  });
  await store.init();
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase?.();
  const u = new URL(endpoints.S3_ENDPOINT);
  const client = new Client({
    endPoint: u.hostname,
    port: Number(u.port),
    useSSL: false,
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
    pathStyle: true,
  });
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) keys.push((item as { name: string }).name);
  if (keys.length) await client.removeObjects(bucket, keys);
  await client.removeBucket(bucket);
});

/** Every row names an object that exists: the invariant the collector must never break. */
async function rowsWithoutObject(): Promise<string[]> {
  const { rows } = await pool.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM blobs');
  const missing: string[] = [];
  for (const { sha256 } of rows) if (!(await store.stat(sha256))) missing.push(sha256);
  return missing;
}

describe('blob rows and the collector', () => {
  it('re-uploading the same bytes keeps one blob id and moves the expiry later, never making a referenced blob expire', async () => {
    const data = randomBytes(32);
    const first = await storeBlob(pool, store, { accountId: 'A1', data, expiresInSeconds: 3600 });
    const second = await storeBlob(pool, store, { accountId: 'A1', data, expiresInSeconds: 7200 });
    expect(second.blobId).toBe(first.blobId);
    const { rows } = await pool.query<{ left: number }>(
      'SELECT extract(epoch FROM expires_at - now())::int AS left FROM blobs WHERE account_id = $1 AND blob_id = $2',
      ['A1', first.blobId],
    );
    expect(rows[0].left).toBeGreaterThan(3600);
    expect(await markBlobReferenced(pool, 'A1', first.blobId)).toBe(true);
    await storeBlob(pool, store, { accountId: 'A1', data, expiresInSeconds: 3600 });
    const after = await pool.query('SELECT expires_at FROM blobs WHERE account_id = $1 AND blob_id = $2', [
      'A1',
      first.blobId,
    ]);
    expect(after.rows[0].expires_at).toBeNull();
  });

  it('markBlobReferenced refuses a blob the account does not have', async () => {
    const { blobId } = await storeBlob(pool, store, {
      accountId: 'A1',
      data: randomBytes(16),
      expiresInSeconds: 3600,
    });
    expect(await markBlobReferenced(pool, 'A2', blobId)).toBe(false);
  });

  it('finishes the work of a collector that died between deleting rows and deleting objects', async () => {
    const data = randomBytes(24);
    const sha = sha256Hex(data);
    await store.put(data);
    // What a dead collector leaves behind: the candidate, no row.
    await pool.query('INSERT INTO blob_orphans (sha256) VALUES ($1)', [sha]);
    const result = await collectBlobs(pool, store);
    expect(result.objectsDeleted).toBeGreaterThanOrEqual(1);
    expect(await store.stat(sha)).toBeNull();
    expect((await pool.query('SELECT 1 FROM blob_orphans WHERE sha256 = $1', [sha])).rowCount).toBe(0);
  });

  it('never leaves a row without its object when uploads of the same bytes race the collector deleting them', async () => {
    for (let round = 0; round < 40; round++) {
      const data = randomBytes(64);
      // An expired upload of the bytes: the collector is about to remove its row and then the object.
      const old = await storeBlob(pool, store, { accountId: 'old', data, expiresInSeconds: 3600 });
      await pool.query("UPDATE blobs SET expires_at = now() - interval '1 minute' WHERE blob_id = $1", [
        old.blobId,
      ]);
      const stagger = () => new Promise((r) => setTimeout(r, Math.random() * 10));
      await Promise.all([
        stagger().then(() => collectBlobs(pool, store)),
        stagger().then(() =>
          storeBlob(pool, store, { accountId: `up${round}`, data, expiresInSeconds: 3600 }),
        ),
        stagger().then(() => collectBlobs(pool, store)),
      ]);
      expect(await findBlob(pool, 'old', old.blobId)).toBeNull();
      expect(await rowsWithoutObject(), `round ${round}`).toEqual([]);
      const uploaded = await findBlob(pool, `up${round}`, old.blobId);
      expect(uploaded).not.toBeNull();
      expect((await store.get(uploaded!.sha256)).equals(data)).toBe(true);
    }
  });

  it('copies only from an unexpired row of the source account', async () => {
    const src = await storeBlob(pool, store, {
      accountId: 'S1',
      data: randomBytes(30),
      expiresInSeconds: 3600,
    });
    const copied = await copyBlob(pool, {
      fromAccountId: 'S1',
      toAccountId: 'T1',
      blobId: src.blobId,
      expiresInSeconds: 3600,
    });
    expect(copied).toMatchObject({ accountId: 'T1', blobId: src.blobId, size: 30 });
    expect(
      await copyBlob(pool, {
        fromAccountId: 'S2',
        toAccountId: 'T2',
        blobId: src.blobId,
        expiresInSeconds: 3600,
      }),
    ).toBeNull();
    await pool.query("UPDATE blobs SET expires_at = now() - interval '1 second' WHERE account_id = 'S1'");
    expect(
      await copyBlob(pool, {
        fromAccountId: 'S1',
        toAccountId: 'T3',
        blobId: src.blobId,
        expiresInSeconds: 3600,
      }),
    ).toBeNull();
  });

  it('deletes the object once the last row that names it has expired', async () => {
    const data = randomBytes(40);
    const { sha256 } = await storeBlob(pool, store, { accountId: 'B1', data, expiresInSeconds: 3600 });
    await collectBlobs(pool, store, { now: future() });
    expect(await store.stat(sha256)).toBeNull();
    expect((await pool.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256])).rowCount).toBe(0);
  });
});
