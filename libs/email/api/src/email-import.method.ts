/**
 * Email/import (RFC 8621 4.8). The gateway checks each EmailImport (properties, blob readable in the account,
 * mailboxes existing, "#creationId" mailbox references resolved through the request's createdIds, at most
 * maxMailboxesPerEmail, keywords per 4.1.1, receivedAt a UTCDate) and answers the bad ones in notCreated; the
 * good ones go to the email service as ONE command, which re-checks blobs and mailboxes under the account lock,
 * finds duplicates, decides threads and appends. ifInState is checked there, against the state it appends to.
 */
import { readableBlobIds } from '@jmap/blobs';
import {
  EMAIL_SERVICE,
  EmailCommandTypes,
  type EmailImportItem,
  type EmailImportPayload,
  type EmailImportReply,
} from '@jmap/email-contracts';
import { parseKeywordSet, toUtcDate } from '@jmap/email-domain';
import { sendCommand } from '@jmap/gateway';
import { mailboxesByIds } from '@jmap/mailbox-data-access';
import type { CommandBus } from '@jmap/messaging';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  MethodError,
  isId,
  isPlainObject,
  isUtcDate,
  requireAccount,
  setError,
  type JmapMethod,
  type MethodContext,
  type SetError,
} from '@jmap/protocol';

const IMPORT_PROPERTIES = new Set(['blobId', 'mailboxIds', 'keywords', 'receivedAt']);
const CREATION_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;

export interface ImportLimits {
  maxObjectsInSet: number;
  maxMailboxesPerEmail: number;
}

const invalid = (properties: string[], description: string) =>
  setError('invalidProperties', description, { properties });

/** The well-formed item, or the SetError that rejects it (before any lookup). */
export function checkImport(
  creationId: string,
  obj: Record<string, unknown>,
  createdIds: ReadonlyMap<string, string>,
  maxMailboxesPerEmail: number,
): { item: EmailImportItem } | { error: SetError } {
  const unknown = Object.keys(obj).filter((k) => !IMPORT_PROPERTIES.has(k));
  if (unknown.length > 0) return { error: invalid(unknown, 'Unknown EmailImport properties.') };
  if (!isId(obj.blobId)) return { error: invalid(['blobId'], '"blobId" must be an Id.') };
  const refs = obj.mailboxIds;
  if (!isPlainObject(refs) || Object.keys(refs).length === 0 || Object.values(refs).some((v) => v !== true)) {
    return {
      error: invalid(
        ['mailboxIds'],
        '"mailboxIds" must name at least one mailbox, each with the value true.',
      ),
    };
  }
  const mailboxIds = [
    ...new Set(Object.keys(refs).map((k) => (k.startsWith('#') ? (createdIds.get(k.slice(1)) ?? null) : k))),
  ];
  if (mailboxIds.some((id) => id === null || !isId(id)))
    return { error: invalid(['mailboxIds'], 'A mailbox reference does not resolve.') };
  if (mailboxIds.length > maxMailboxesPerEmail) {
    return {
      error: setError(
        'tooManyMailboxes',
        `An email may be in at most ${maxMailboxesPerEmail} mailboxes (maxMailboxesPerEmail).`,
      ),
    };
  }
  const keywords = obj.keywords === undefined ? [] : parseKeywordSet(obj.keywords);
  if (keywords === null)
    return { error: invalid(['keywords'], '"keywords" must map valid keywords (RFC 8621 4.1.1) to true.') };
  let receivedAt: string | null = null;
  if (obj.receivedAt !== undefined) {
    receivedAt = isUtcDate(obj.receivedAt) ? toUtcDate(obj.receivedAt) : null;
    if (receivedAt === null) return { error: invalid(['receivedAt'], '"receivedAt" must be a UTCDate.') };
  }
  return {
    item: { creationId, blobId: obj.blobId, mailboxIds: mailboxIds as string[], keywords, receivedAt },
  };
}

export class EmailImportMethod implements JmapMethod {
  readonly name = 'Email/import';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly bus: CommandBus,
    private readonly limits: ImportLimits,
  ) {}

  private parse(args: Args, ctx: MethodContext) {
    const accountId = args.requiredId('accountId');
    const ifInState = args.string('ifInState');
    const emails = args.object('emails');
    args.done();
    if (emails === null) throw new MethodError('invalidArguments', '"emails" is required.');
    if (Object.keys(emails).length > this.limits.maxObjectsInSet) {
      throw new MethodError(
        'requestTooLarge',
        `At most ${this.limits.maxObjectsInSet} emails per Email/import (maxObjectsInSet).`,
      );
    }
    for (const [cid, obj] of Object.entries(emails)) {
      if (!CREATION_ID_RE.test(cid))
        throw new MethodError('invalidArguments', `"${cid}" is not a valid creation id.`);
      if (!isPlainObject(obj))
        throw new MethodError('invalidArguments', `emails["${cid}"] must be an EmailImport object.`);
    }
    requireAccount(ctx, accountId, MAIL, { write: true });
    return { accountId, ifInState, emails: emails as Record<string, Record<string, unknown>> };
  }

  /** Splits the items into the ones to send and the ones already refused (unreadable blob, unknown mailbox). */
  private async check(
    accountId: string,
    emails: Record<string, Record<string, unknown>>,
    ctx: MethodContext,
  ) {
    const notCreated: Record<string, SetError> = {};
    const items: EmailImportItem[] = [];
    for (const [cid, obj] of Object.entries(emails)) {
      const checked = checkImport(cid, obj, ctx.createdIds, this.limits.maxMailboxesPerEmail);
      if ('item' in checked) items.push(checked.item);
      else notCreated[cid] = checked.error;
    }
    const blobs = await readableBlobIds(
      this.pool,
      accountId,
      items.map((i) => i.blobId),
    );
    const mailboxes = new Set(
      (await mailboxesByIds(this.pool, accountId, [...new Set(items.flatMap((i) => i.mailboxIds))])).map(
        (m) => m.id,
      ),
    );
    const ok = items.filter((i) => {
      if (!blobs.has(i.blobId))
        notCreated[i.creationId] = invalid(['blobId'], 'No such blob in this account.');
      else if (i.mailboxIds.some((m) => !mailboxes.has(m)))
        notCreated[i.creationId] = invalid(['mailboxIds'], 'No such mailbox.');
      else return true;
      return false;
    });
    return { items: ok, notCreated };
  }

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const { accountId, ifInState, emails } = this.parse(new Args(raw), ctx);
    const { items, notCreated } = await this.check(accountId, emails, ctx);
    const payload: EmailImportPayload = { ifInState, emails: items };
    const reply = await sendCommand<EmailImportReply>(
      this.bus,
      EMAIL_SERVICE,
      EmailCommandTypes.import,
      accountId,
      payload,
      ctx,
    );
    for (const [cid, created] of Object.entries(reply.created)) ctx.createdIds.set(cid, created.id);
    const refused = { ...notCreated, ...reply.notCreated };
    return {
      accountId,
      oldState: reply.oldState,
      newState: reply.newState,
      created: Object.keys(reply.created).length > 0 ? reply.created : null,
      notCreated: Object.keys(refused).length > 0 ? refused : null,
    };
  }
}
