/**
 * The Email/import command (RFC 8621 4.8): one command per call. The messages are fetched and parsed first
 * (import-preparation.ts, no lock held); then, in the command's transaction after the account lock, the decider
 * checks ifInState, blobs, mailboxes and duplicates and picks each email's thread against the account as it is,
 * the blobs the new emails reference are marked so they never expire, and the CommandProcessor appends the
 * EmailCreated events and applies the inline projections (email rows, mailbox counts) atomically.
 */
import { blobIdOf, markBlobsReferenced, referenceContent } from '@jmap/blobs';
import { sha256Hex, type BlobStore } from '@jmap/blob-store';
import { concurrencyError, type CommandProcessor } from '@jmap/event-store';
import type { EmailImportPayload, EmailImportReply } from '@jmap/email-contracts';
import { emailState, loadImportState } from '@jmap/email-data-access';
import { decideImport, type ImportOutcome } from '@jmap/email-domain';
import type { CommandEnvelope } from '@jmap/messaging';
import type { Logger, Pool, PoolClient } from '@jmap/platform';
import { prepareImports, type Prepared } from './import-preparation.js';

export interface EmailImportDeps {
  pool: Pool;
  store: BlobStore;
  processor: CommandProcessor;
  logger: Logger;
}

/** Marks the referenced blobs; a derived message's octets get a row of the account (ADR 0006's protocol). */
async function referenceBlobs(
  tx: PoolClient,
  store: BlobStore,
  accountId: string,
  outcome: ImportOutcome,
  prepared: readonly Prepared[],
): Promise<void> {
  const stored = outcome.referencedBlobs.filter((b) => !b.derived).map((b) => b.blobId);
  await markBlobsReferenced(tx, accountId, stored);
  for (const b of outcome.referencedBlobs.filter((r) => r.derived)) {
    const data = prepared.find((p) => p.prepared.item.creationId === b.creationId)?.derivedData;
    if (!data || blobIdOf(sha256Hex(data)) !== b.blobId)
      throw new Error(`derived octets of ${b.creationId} missing`);
    await referenceContent(tx, store, { accountId, data, sha256: b.blobId.slice(1) });
  }
}

export function emailImportHandler(deps: EmailImportDeps) {
  return async (cmd: CommandEnvelope): Promise<EmailImportReply> => {
    const payload = cmd.payload as EmailImportPayload;
    // A resent or redelivered command (the gateway resends after COMMAND_TIMEOUT_MS) gets its recorded outcome
    // without fetching and parsing every message again.
    if (await deps.processor.seen(cmd)) {
      const { reply } = await deps.processor.handle<EmailImportReply>(cmd, async () => {
        throw new Error(`command ${cmd.commandId} was recorded and is gone`);
      });
      return reply;
    }
    const started = performance.now();
    const prepared = await prepareImports(deps, cmd.accountId, payload.emails);
    const imports = prepared.map((p) => p.prepared);
    const preparedAt = performance.now();
    const { reply } = await deps.processor.handle(cmd, async (ctx) => {
      const state = await loadImportState(ctx.tx, ctx.accountId, imports);
      const decision = decideImport(state, payload, imports, {
        newId: (prefix) => ctx.ids.next(prefix),
        now: ctx.now,
      });
      if (!decision.ok) throw concurrencyError('ifInState does not match the current Email state');
      await referenceBlobs(ctx.tx, deps.store, ctx.accountId, decision, prepared);
      return {
        events: decision.events,
        reply: async (_appended, tx): Promise<EmailImportReply> => ({
          oldState: state.emailState,
          newState: String(await emailState(tx, ctx.accountId)),
          created: decision.created,
          notCreated: decision.notCreated,
        }),
      };
    });
    const done = performance.now();
    deps.logger.info(
      {
        emails: payload.emails.length,
        created: Object.keys(reply.created).length,
        prepareMs: Math.round(preparedAt - started),
        commitMs: Math.round(done - preparedAt),
      },
      'Email/import handled',
    );
    return reply;
  };
}
