/**
 * The Email/set command (RFC 8621 4.6), one per call and atomic. Before the transaction (no lock held) each
 * draft's blob parts are read, the message is composed (@jmap/mime) and stored as a blob of the account
 * (content-addressed, expiring like an upload until an email references it), then fetched and parsed by the
 * same preparation as Email/import. In the transaction, after the account lock: ifInState, the import
 * decision for the drafts (threads, counts, facts exactly as for an imported message), the update and destroy
 * decision, the release of the blobs of destroyed emails that no email of the account names any more, and the
 * marking of the new messages' blobs as referenced; the CommandProcessor appends and projects.
 */
import { createHash } from 'node:crypto';
import { findReadableBlobs, markBlobsReferenced, readBlob, releaseEmailBlobs, storeBlob } from '@jmap/blobs';
import type { BlobStore } from '@jmap/blob-store';
import { concurrencyError, type CommandProcessor } from '@jmap/event-store';
import type { EmailCreateItem, EmailImportItem, EmailSetPayload, EmailSetReply } from '@jmap/email-contracts';
import { loadChangesState, loadImportState } from '@jmap/email-data-access';
import {
  composeDraft,
  decideEmailChanges,
  decideImport,
  draftBlobIds,
  type ImportDecision,
} from '@jmap/email-domain';
import type { CommandEnvelope } from '@jmap/messaging';
import type { Logger, Pool } from '@jmap/platform';
import { setError, type SetError } from '@jmap/protocol';
import { prepareImports } from './import-preparation.js';

export interface EmailSetDeps {
  pool: Pool;
  store: BlobStore;
  processor: CommandProcessor;
  logger: Logger;
  /** Expiry of a composed message's blob until its email commits, and of a destroyed email's blob. */
  blobExpirySeconds: number;
}

/** Composes and stores one draft; returns the import item for the stored message, or the SetError. */
async function composeOne(
  deps: EmailSetDeps,
  cmd: CommandEnvelope,
  item: EmailCreateItem,
  maxAttachmentBytes: number,
): Promise<{ item: EmailImportItem } | { error: SetError }> {
  const blobIds = [...new Set(draftBlobIds(item.message.body))];
  const readable = await findReadableBlobs(deps.pool, cmd.accountId, blobIds);
  const notFound = blobIds.filter((b) => !readable.has(b));
  const contents = new Map<string, Buffer>();
  for (const blobId of blobIds.filter((b) => readable.has(b))) {
    const content = await readBlob(deps.pool, deps.store, cmd.accountId, blobId).catch(() => null);
    if (content) contents.set(blobId, content.data);
    else notFound.push(blobId);
  }
  if (notFound.length > 0)
    return { error: setError('blobNotFound', 'No such blob in this account.', { notFound }) };
  const attachmentBytes = [...contents.values()].reduce((n, b) => n + b.length, 0);
  if (attachmentBytes > maxAttachmentBytes) {
    return {
      error: setError(
        'tooLarge',
        `The parts given by blobId total ${attachmentBytes} octets; at most ${maxAttachmentBytes} (maxSizeAttachmentsPerEmail).`,
      ),
    };
  }
  // The Message-ID is derived from the command, so a redelivered command composes the same octets.
  const uniqueId = createHash('sha256')
    .update(`${cmd.commandId}\0${item.creationId}`)
    .digest('hex')
    .slice(0, 32);
  const data = composeDraft(item.message, contents, {
    uniqueId,
    now: new Date(cmd.issuedAt ?? Date.now()),
  });
  const stored = await storeBlob(deps.pool, deps.store, {
    accountId: cmd.accountId,
    data,
    expiresInSeconds: deps.blobExpirySeconds,
  });
  const { creationId, mailboxIds, keywords, receivedAt } = item;
  return { item: { creationId, blobId: stored.blobId, mailboxIds, keywords, receivedAt } };
}

const NOTHING_CREATED = {
  ok: true,
  events: [],
  created: {},
  notCreated: {},
  referencedBlobs: [],
} as const satisfies ImportDecision;

export function emailSetHandler(deps: EmailSetDeps) {
  return async (cmd: CommandEnvelope): Promise<EmailSetReply> => {
    const payload = cmd.payload as EmailSetPayload;
    const creates = payload.create.length > 0;
    // Only drafts make work before the transaction worth skipping for a redelivery; handle() dedupes the rest.
    if (creates && (await deps.processor.seen(cmd))) {
      const { reply } = await deps.processor.handle<EmailSetReply>(cmd, async () => {
        throw new Error(`command ${cmd.commandId} was recorded and is gone`);
      });
      return reply;
    }
    const composeErrors: Record<string, SetError> = {};
    const items: EmailImportItem[] = [];
    for (const draft of payload.create) {
      const r = await composeOne(deps, cmd, draft, payload.limits.maxSizeAttachmentsPerEmail);
      if ('item' in r) items.push(r.item);
      else composeErrors[draft.creationId] = r.error;
    }
    const imports = creates ? (await prepareImports(deps, cmd.accountId, items)).map((p) => p.prepared) : [];
    const { reply } = await deps.processor.handle(cmd, async (ctx) => {
      const loaded = await loadChangesState(ctx.tx, ctx.accountId, payload.update, payload.destroy);
      const oldState = String(loaded.emailState);
      if (payload.ifInState !== null && payload.ifInState !== oldState)
        throw concurrencyError('ifInState does not match the current Email state');
      const created = creates
        ? decideImport(await loadImportState(ctx.tx, ctx.accountId, imports), { ifInState: null }, imports, {
            newId: (prefix) => ctx.ids.next(prefix),
            now: ctx.now,
          })
        : NOTHING_CREATED;
      if (!created.ok) throw new Error('unreachable: no ifInState given to the import decision');
      const changes = decideEmailChanges(loaded.changes, payload);
      if (changes.releasedBlobs.length > 0)
        await releaseEmailBlobs(
          ctx.tx,
          ctx.accountId,
          changes.releasedBlobs,
          changes.destroyed,
          deps.blobExpirySeconds,
        );
      if (created.referencedBlobs.length > 0)
        await markBlobsReferenced(
          ctx.tx,
          ctx.accountId,
          created.referencedBlobs.map((b) => b.blobId),
        );
      return {
        events: [...created.events, ...changes.events],
        // Every Email event records an Email change at its modseq, so the last one appended is the new state.
        reply: (appended): EmailSetReply => ({
          oldState,
          newState: appended.length > 0 ? String(appended[appended.length - 1].modseq) : oldState,
          created: created.created,
          notCreated: { ...composeErrors, ...created.notCreated },
          updated: changes.updated,
          notUpdated: changes.notUpdated,
          destroyed: changes.destroyed,
          notDestroyed: changes.notDestroyed,
        }),
      };
    });
    deps.logger.debug(
      {
        created: Object.keys(reply.created).length,
        updated: Object.keys(reply.updated).length,
        destroyed: reply.destroyed.length,
      },
      'Email/set handled',
    );
    return reply;
  };
}
