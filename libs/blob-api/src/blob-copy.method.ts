/**
 * Blob/copy (RFC 8620 section 6.3): gives another account access to blobs without downloading and uploading
 * them again. Both accounts must be ones the principal may use: an unknown or foreign source is
 * fromAccountNotFound, a foreign target accountNotFound; a blob the source account does not have is the
 * "notFound" SetError the section names, whether it exists elsewhere or not (invariant 7). The copy is an
 * unreferenced blob in the target account and expires like an upload. Copying within one account is refused
 * like every /copy (rfc-clarifications Q12).
 *
 * A part blob ("P…") is not a row of its own: its decoded octets are stored as a blob of the target account, so
 * `copied` maps it to that blob's "G…" id (the section allows the id in the target account to differ).
 */
import { BlobNotFoundError, type BlobStore } from '@jmap/blob-store';
import type { Pool } from '@jmap/platform';
import { copyBlob, parsePartBlobId, readBlob, storeBlob } from '@jmap/blobs';
import {
  Args,
  CORE,
  MethodError,
  requireAccount,
  setError,
  type JmapMethod,
  type MethodContext,
  type MethodResponseArgs,
  type SetError,
} from '@jmap/protocol';

export class BlobCopyMethod implements JmapMethod {
  readonly name = 'Blob/copy';
  readonly capability = CORE;

  constructor(
    private readonly pool: Pool,
    private readonly store: BlobStore,
    private readonly limits: { maxObjectsInSet: number; uploadExpirySeconds: number },
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext): Promise<MethodResponseArgs> {
    const args = new Args(raw);
    const fromAccountId = args.requiredId('fromAccountId');
    const accountId = args.requiredId('accountId');
    const blobIds = args.ids('blobIds', true)!;
    args.done();
    requireAccount(ctx, fromAccountId, CORE, { argName: 'fromAccountId' });
    requireAccount(ctx, accountId, CORE, { write: true });
    if (fromAccountId === accountId) {
      throw new MethodError(
        'invalidArguments',
        'fromAccountId and accountId must differ: Blob/copy is between accounts.',
      );
    }
    if (blobIds.length > this.limits.maxObjectsInSet) {
      throw new MethodError(
        'requestTooLarge',
        `At most ${this.limits.maxObjectsInSet} blobs per Blob/copy (maxObjectsInSet).`,
      );
    }
    const copied: Record<string, string> = {};
    const notCopied: Record<string, SetError> = {};
    for (const blobId of blobIds) {
      const copy = parsePartBlobId(blobId)
        ? await this.copyPart(fromAccountId, accountId, blobId)
        : await copyBlob(this.pool, {
            fromAccountId,
            toAccountId: accountId,
            blobId,
            expiresInSeconds: this.limits.uploadExpirySeconds,
          });
      if (copy) copied[blobId] = copy.blobId;
      else notCopied[blobId] = setError('notFound', 'No such blob in the source account.');
    }
    return {
      fromAccountId,
      accountId,
      copied: Object.keys(copied).length > 0 ? copied : null,
      notCopied: Object.keys(notCopied).length > 0 ? notCopied : null,
    };
  }

  /** Stores the part's octets as an upload of the target account; null when the source cannot read the part. */
  private async copyPart(fromAccountId: string, toAccountId: string, blobId: string) {
    const part = await readBlob(this.pool, this.store, fromAccountId, blobId).catch((err: unknown) => {
      if (err instanceof BlobNotFoundError) return null;
      throw err;
    });
    if (!part) return null;
    return storeBlob(this.pool, this.store, {
      accountId: toAccountId,
      data: part.data,
      expiresInSeconds: this.limits.uploadExpirySeconds,
    });
  }
}
