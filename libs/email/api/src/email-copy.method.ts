/**
 * Email/copy (RFC 8621 4.7, RFC 8620 5.4): copies emails from another account the principal may read into an
 * account it may write. Only mailboxIds (required), keywords and receivedAt may be set; keywords and receivedAt
 * default to the original's. The message blob is shared with the target account (libs/blobs copyBlob, as
 * Blob/copy does) and the emails are created by the same command as Email/import, so threads, counts and
 * duplicates (alreadyExists with existingId) behave exactly as for an import. With onSuccessDestroyOriginal the
 * originals that were copied are destroyed by an implicit Email/set in the source account (destroyFromIfInState
 * as its ifInState), whose response follows this one with the same call id.
 */
import { copyBlob } from '@jmap/blobs';
import {
  EMAIL_SERVICE,
  EmailCommandTypes,
  type EmailImportItem,
  type EmailImportPayload,
  type EmailImportReply,
} from '@jmap/email-contracts';
import { emailRecords, emailState } from '@jmap/email-data-access';
import { sendCommand } from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  MethodError,
  parseCopyRequest,
  requireAccount,
  setError,
  type JmapMethod,
  type MethodContext,
  type SetError,
} from '@jmap/protocol';
import { checkImport } from './email-import.method.js';
import { runEmailSet } from './email-set.method.js';
import { emailSetLimits } from './email-set-limits.js';

const COPY_PROPERTIES = new Set(['id', 'mailboxIds', 'keywords', 'receivedAt']);

export interface CopyLimits {
  maxObjectsInSet: number;
  uploadExpirySeconds: number;
}

export class EmailCopyMethod implements JmapMethod {
  readonly name = 'Email/copy';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly bus: CommandBus,
    private readonly limits: CopyLimits,
  ) {}

  /** The import items for the copies, after sharing each original's blob with the target account. */
  private async items(req: ReturnType<typeof parseCopyRequest>, ctx: MethodContext) {
    const notCreated: Record<string, SetError> = {};
    const items: EmailImportItem[] = [];
    const sourceOf = new Map<string, string>();
    const originals = new Map(
      (
        await emailRecords(
          this.pool,
          req.fromAccountId,
          [...new Set(Object.values(req.create).map((o) => o.id as string))],
          new Set(['blobId', 'keywords', 'receivedAt'] as const),
          Object.keys(req.create).length,
        )
      ).map((r) => [r.id, r]),
    );
    for (const [cid, obj] of Object.entries(req.create)) {
      const unknown = Object.keys(obj).filter((k) => !COPY_PROPERTIES.has(k));
      if (unknown.length > 0) {
        notCreated[cid] = setError(
          'invalidProperties',
          'Only mailboxIds, keywords and receivedAt may be set.',
          {
            properties: unknown,
          },
        );
        continue;
      }
      const original = originals.get(obj.id as string);
      if (!original) {
        notCreated[cid] = setError('notFound', 'No such email in the source account.');
        continue;
      }
      const keywords = obj.keywords ?? Object.fromEntries(original.keywords!.map((k) => [k, true]));
      const checked = checkImport(
        cid,
        {
          blobId: original.blobId,
          mailboxIds: obj.mailboxIds,
          keywords,
          receivedAt: obj.receivedAt ?? original.receivedAt,
        },
        ctx.createdIds,
        emailSetLimits().maxMailboxesPerEmail,
      );
      if ('error' in checked) {
        notCreated[cid] = checked.error;
        continue;
      }
      const shared = await copyBlob(this.pool, {
        fromAccountId: req.fromAccountId,
        toAccountId: req.accountId,
        blobId: original.blobId!,
        expiresInSeconds: this.limits.uploadExpirySeconds,
      });
      if (!shared) {
        notCreated[cid] = setError('notFound', "The email's message is no longer stored.");
        continue;
      }
      items.push(checked.item);
      sourceOf.set(cid, original.id);
    }
    return { items, notCreated, sourceOf };
  }

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseCopyRequest(args, this.limits.maxObjectsInSet);
    args.done();
    requireAccount(ctx, req.fromAccountId, MAIL, {
      argName: 'fromAccountId',
      write: req.onSuccessDestroyOriginal,
    });
    requireAccount(ctx, req.accountId, MAIL, { write: true });
    if (
      req.ifFromInState !== null &&
      req.ifFromInState !== String(await emailState(this.pool, req.fromAccountId))
    )
      throw new MethodError(
        'stateMismatch',
        'ifFromInState does not match the Email state of fromAccountId.',
      );
    const { items, notCreated, sourceOf } = await this.items(req, ctx);
    const payload: EmailImportPayload = { ifInState: req.ifInState, emails: items };
    const reply = await sendCommand<EmailImportReply>(
      this.bus,
      EMAIL_SERVICE,
      EmailCommandTypes.import,
      req.accountId,
      payload,
      ctx,
    );
    for (const [cid, created] of Object.entries(reply.created)) ctx.createdIds.set(cid, created.id);
    const refused = { ...notCreated, ...reply.notCreated };
    const copied = Object.keys(reply.created).map((cid) => sourceOf.get(cid)!);
    if (req.onSuccessDestroyOriginal && copied.length > 0) await this.destroyOriginals(req, copied, ctx);
    return {
      fromAccountId: req.fromAccountId,
      accountId: req.accountId,
      oldState: reply.oldState,
      newState: reply.newState,
      created: Object.keys(reply.created).length > 0 ? reply.created : null,
      notCreated: Object.keys(refused).length > 0 ? refused : null,
    };
  }

  /** RFC 8620 5.4: the implicit /set's response (or its error) follows the /copy response. */
  private async destroyOriginals(
    req: ReturnType<typeof parseCopyRequest>,
    ids: string[],
    ctx: MethodContext,
  ): Promise<void> {
    try {
      const response = await runEmailSet(this.bus, ctx, req.fromAccountId, {
        ifInState: req.destroyFromIfInState,
        destroy: ids,
      });
      ctx.addResponse('Email/set', { ...response });
    } catch (err) {
      if (!(err instanceof MethodError)) throw err;
      ctx.addResponse('error', err.toArgs());
    }
  }
}
