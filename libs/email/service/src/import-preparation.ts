/**
 * The part of Email/import that runs before the command's transaction: fetch each message from the blob store
 * and parse it. Both are slow next to the decision (network, CPU), so they never hold the account lock; the
 * decision re-checks, under the lock, that each blob is still the account's.
 *
 * Bounds: each command fetches up to PREPARE_CONCURRENCY messages at once (the store's latency, not CPU, is
 * what they overlap), and the whole process holds at most PREPARE_MAX_BYTES of fetched messages at once (one
 * larger message goes alone), however many commands run; only the octets of messages imported from a part of
 * another blob are kept until the transaction (to store them).
 */
import { BlobNotFoundError, sha256Hex, type BlobStore } from '@jmap/blob-store';
import {
  blobIdOf,
  cutPart,
  findReadableBlobs,
  parsePartBlobId,
  partBlobId,
  type StoredBlob,
} from '@jmap/blobs';
import type { EmailImportItem } from '@jmap/email-contracts';
import { isParsableMessage, messageFacts, receivedHeaderDate, type PreparedImport } from '@jmap/email-domain';
import type { Logger, Pool } from '@jmap/platform';
import { setError } from '@jmap/protocol';

export const PREPARE_CONCURRENCY = 16;
export const PREPARE_MAX_BYTES = 64 * 1024 * 1024;

/** A process-wide budget of octets: waiters are served in order, and a request over the budget waits for all. */
class ByteBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; go: () => void }> = [];

  constructor(private readonly max: number) {}

  async acquire(bytes: number): Promise<number> {
    const take = Math.min(bytes, this.max);
    if (this.waiting.length > 0 || this.used + take > this.max) {
      await new Promise<void>((go) => this.waiting.push({ bytes: take, go }));
    } else this.used += take;
    return take;
  }

  release(taken: number): void {
    this.used -= taken;
    while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.max) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.go();
    }
  }
}

const budget = new ByteBudget(PREPARE_MAX_BYTES);

export interface Prepared {
  prepared: PreparedImport;
  /** The octets of a derived message (imported from a part blob), which the account must get a row for. */
  derivedData?: Buffer;
}

const blobNotFound = (item: EmailImportItem): Prepared => ({
  prepared: {
    item,
    ok: false,
    error: setError('invalidProperties', 'No such blob in this account.', { properties: ['blobId'] }),
  },
});

async function prepareOne(
  store: BlobStore,
  item: EmailImportItem,
  stored: StoredBlob | undefined,
  logger: Logger,
): Promise<Prepared> {
  if (!stored) return blobNotFound(item);
  const taken = await budget.acquire(stored.size);
  try {
    return await parseOne(store, item, stored, logger);
  } finally {
    budget.release(taken);
  }
}

async function parseOne(
  store: BlobStore,
  item: EmailImportItem,
  stored: StoredBlob,
  logger: Logger,
): Promise<Prepared> {
  let raw: Buffer;
  try {
    raw = await store.get(stored.sha256);
  } catch (err) {
    if (!(err instanceof BlobNotFoundError)) throw err;
    logger.error({ accountId: stored.accountId, blobId: stored.blobId }, 'blob row without a stored object');
    return blobNotFound(item);
  }
  const part = parsePartBlobId(item.blobId);
  const data = part ? cutPart(raw, part.path) : raw;
  if (!data) return blobNotFound(item);
  const blobId = part ? blobIdOf(sha256Hex(data)) : stored.blobId;
  const facts = messageFacts(data, (partId) => partBlobId(blobId, partId));
  if (!isParsableMessage(facts)) {
    return {
      prepared: {
        item,
        ok: false,
        error: setError('invalidEmail', 'The blob is not an RFC 5322 message: it has no header fields.'),
      },
    };
  }
  // A derived message's octets are stored now, outside the lock; the transaction gives the account its row.
  if (part) await store.put(data);
  return {
    prepared: {
      item,
      ok: true,
      blobId,
      sourceBlobId: stored.blobId,
      derived: part !== null,
      facts,
      receivedHeaderDate: receivedHeaderDate(facts.headers),
    },
    derivedData: part ? data : undefined,
  };
}

/** Prepares the imports in their order, PREPARE_CONCURRENCY at a time. */
export async function prepareImports(
  deps: { pool: Pool; store: BlobStore; logger: Logger },
  accountId: string,
  items: readonly EmailImportItem[],
): Promise<Prepared[]> {
  const out = new Array<Prepared>(items.length);
  const stored = await findReadableBlobs(
    deps.pool,
    accountId,
    items.map((i) => i.blobId),
  );
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      out[i] = await prepareOne(deps.store, items[i], stored.get(items[i].blobId), deps.logger);
      // Parsing is synchronous CPU work: yield so the consumer's heartbeats and other accounts keep moving.
      await new Promise((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PREPARE_CONCURRENCY, items.length) }, worker));
  return out;
}
