/**
 * Local delivery: puts a message into the Inbox of each recipient hosted here, through the event-sourced path.
 * The LMTP/SMTP listeners of the delivery service use it, and so does the submission service for
 * EmailSubmissions (and vacation replies) to local recipients.
 *
 * Per recipient: the address (or its base without "+tag") is looked up in account_addresses; the message, with
 * `Delivered-To:` and `Received:` prepended, is stored as a blob of the account (content addressed, expiring
 * like an upload until the import references it); then the Email/import command of libs/email/contracts goes to
 * the email service over the command bus (threading, counts, changes and push happen there), with the envelope
 * in `delivery`. A recipient is reported `delivered` only after the email service committed the email.
 *
 * Duplicates: the command id is derived from the account, the recipient, the SHA-256 of the octets as received
 * and the Inbox, so a re-delivery of the same octets (an MTA retrying after a lost reply, or after a 452 whose
 * command the email service handled later) is the same command: it is recognised before anything is stored, and
 * the command processor's idempotency makes a concurrent or late repeat append nothing. An import answered
 * `alreadyExists` (the same stored octets) counts as a duplicate too. Either way the sender gets success.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Module } from '@nestjs/common';
import { storeBlob } from '@jmap/blobs';
import type { BlobStore } from '@jmap/blob-store';
import {
  EMAIL_SERVICE,
  EmailCommandTypes,
  type EmailImportPayload,
  type EmailImportReply,
} from '@jmap/email-contracts';
import { MAILBOX_SERVICE, MailboxCommandTypes } from '@jmap/mailbox-contracts';
import { CommandFailedError, type CommandBus } from '@jmap/messaging';
import { LOGGER, METRICS, PG_POOL, loadConfig, type Logger, type Metrics, type Pool } from '@jmap/platform';
import { BLOB_STORE, COMMAND_BUS } from '@jmap/runtime';
import { withTraceFields } from './trace-headers.js';

export const LOCAL_DELIVERY = Symbol('LOCAL_DELIVERY');
export const LOCAL_DELIVERY_OPTIONS = Symbol('LOCAL_DELIVERY_OPTIONS');

export type DeliveryStatus = 'delivered' | 'duplicate' | 'unknown' | 'unavailable' | 'tooLarge';

export interface DeliveryInput {
  /** The message as received (CRLF line endings on the wire), without the terminating "." line. */
  raw: Buffer;
  /** The envelope sender (MAIL FROM); null for the null reverse-path "<>". */
  mailFrom: string | null;
  /** The envelope recipients (RCPT TO), in order; one result each, in the same order. */
  recipients: string[];
  /** "LMTP", "ESMTP", "SMTP"; the submission service uses "local". Default "local". */
  protocol?: string;
  /** The client's EHLO/LHLO name. */
  clientName?: string;
  /** The client's IP address. */
  clientAddress?: string;
}

export interface DeliveryResult {
  recipient: string;
  status: DeliveryStatus;
  accountId?: string;
  emailId?: string;
  message: string;
}

export interface LocalDeliveryOptions {
  maxMessageSize: number;
  /** The name of this host in `Received:` fields. */
  localName: string;
  /** Expiry of the stored message until the import references it (ADR 0006). */
  blobExpirySeconds: number;
}

const CREATION_ID = 'delivery';

class Unavailable extends Error {}

/** The address without a "+tag" subaddress (RFC 5233), or null when it has none. */
export function baseAddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  const plus = address.indexOf('+');
  if (at <= 0 || plus <= 0 || plus > at) return null;
  return address.slice(0, plus) + address.slice(at);
}

/** "<a@b>" or "a@b" → "a@b", lowercased; "" and "<>" → "". */
export function normaliseAddress(address: string): string {
  return address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
}

@Injectable()
export class LocalDelivery {
  private readonly counter;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(COMMAND_BUS) private readonly bus: CommandBus | null,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOCAL_DELIVERY_OPTIONS) private readonly options: LocalDeliveryOptions,
  ) {
    this.counter = metrics.counter(
      'jmap_delivery_recipients_total',
      'Recipients of local deliveries by outcome',
      ['status', 'protocol'],
    );
  }

  get maxMessageSize(): number {
    return this.options.maxMessageSize;
  }

  /** The account an address delivers into (exact address first, then without "+tag"), or null. */
  async resolve(address: string): Promise<string | null> {
    const a = normaliseAddress(address);
    const candidates = [a, baseAddress(a)].filter((x): x is string => !!x);
    const { rows } = await this.pool.query<{ address: string; account_id: string }>(
      'SELECT address, account_id FROM account_addresses WHERE address = ANY($1::text[])',
      [candidates],
    );
    for (const c of candidates) {
      const row = rows.find((r) => r.address === c);
      if (row) return row.account_id;
    }
    return null;
  }

  async deliver(input: DeliveryInput): Promise<DeliveryResult[]> {
    const protocol = input.protocol ?? 'local';
    const results = await Promise.all(
      input.recipients.map((recipient) => this.deliverOne(input, recipient, protocol)),
    );
    for (const r of results) this.counter.inc({ status: r.status, protocol });
    return results;
  }

  private async deliverOne(
    input: DeliveryInput,
    recipient: string,
    protocol: string,
  ): Promise<DeliveryResult> {
    if (input.raw.length > this.options.maxMessageSize) {
      return {
        recipient,
        status: 'tooLarge',
        message: `Message exceeds the maximum size of ${this.options.maxMessageSize} octets`,
      };
    }
    let accountId: string | null = null;
    try {
      accountId = await this.resolve(recipient);
      if (!accountId) return { recipient, status: 'unknown', message: `No such user here: ${recipient}` };
      return await this.importInto(input, recipient, protocol, accountId);
    } catch (err) {
      this.logger.warn({ err, recipient, accountId }, 'local delivery failed; the sender should retry');
      return {
        recipient,
        status: 'unavailable',
        ...(accountId ? { accountId } : {}),
        message: 'Mailbox temporarily unavailable, try again later',
      };
    }
  }

  private async inboxOf(accountId: string): Promise<string> {
    const find = async () =>
      (
        await this.pool.query<{ id: string }>(
          `SELECT id FROM mailboxes WHERE account_id = $1 AND role = 'inbox'`,
          [accountId],
        )
      ).rows[0]?.id ?? null;
    const found = await find();
    if (found) return found;
    // An account created before provisioning existed: give it its standard mailboxes (idempotent per account).
    await this.send(
      MAILBOX_SERVICE,
      MailboxCommandTypes.createDefaults,
      `provision-mailboxes:${accountId}`,
      accountId,
      {},
    );
    const created = await find();
    if (!created) throw new Unavailable(`account ${accountId} has no Inbox`);
    return created;
  }

  private async send<R>(
    service: string,
    type: string,
    commandId: string,
    accountId: string,
    payload: unknown,
  ): Promise<R> {
    if (!this.bus) throw new Unavailable('no command bus: the app did not configure command targets');
    return this.bus.send<R>(service, {
      commandId,
      accountId,
      type,
      payload,
      issuedAt: new Date().toISOString(),
      principalId: 'delivery',
    });
  }

  /** The recorded reply of an earlier delivery of the same octets, if there is one. */
  private async recorded(accountId: string, commandId: string): Promise<EmailImportReply | null> {
    const { rows } = await this.pool.query<{ reply: EmailImportReply | null }>(
      'SELECT reply FROM processed_commands WHERE account_id = $1 AND command_id = $2',
      [accountId, commandId],
    );
    const reply = rows[0]?.reply;
    return reply && typeof reply === 'object' && 'created' in reply ? reply : null;
  }

  private outcome(
    reply: EmailImportReply,
    recipient: string,
    accountId: string,
    repeated: boolean,
  ): DeliveryResult {
    const created = reply.created[CREATION_ID];
    if (created) {
      return repeated
        ? {
            recipient,
            status: 'duplicate',
            accountId,
            emailId: created.id,
            message: `Already delivered as ${created.id}`,
          }
        : {
            recipient,
            status: 'delivered',
            accountId,
            emailId: created.id,
            message: `Delivered as ${created.id}`,
          };
    }
    const error = reply.notCreated[CREATION_ID];
    if (error?.type === 'alreadyExists') {
      const existingId = (error as { existingId?: string }).existingId;
      return {
        recipient,
        status: 'duplicate',
        accountId,
        ...(existingId ? { emailId: existingId } : {}),
        message: `Already delivered${existingId ? ` as ${existingId}` : ''}`,
      };
    }
    throw new Unavailable(`import refused: ${error?.type ?? 'no result'} ${error?.description ?? ''}`);
  }

  private async importInto(
    input: DeliveryInput,
    recipient: string,
    protocol: string,
    accountId: string,
  ): Promise<DeliveryResult> {
    const inbox = await this.inboxOf(accountId);
    const rcpt = normaliseAddress(recipient);
    const contentHash = createHash('sha256').update(input.raw).digest('hex');
    const commandId =
      'delivery:' +
      createHash('sha256')
        .update(`${accountId}\0${rcpt}\0${inbox}\0${contentHash}`)
        .digest('hex')
        .slice(0, 40);
    const earlier = await this.recorded(accountId, commandId);
    if (earlier) return this.outcome(earlier, recipient, accountId, true);

    const data = withTraceFields(input.raw, {
      clientName: input.clientName,
      clientAddress: input.clientAddress,
      localName: this.options.localName,
      protocol,
      id: commandId.slice(9, 25),
      recipient: rcpt,
      at: new Date(),
    });
    const blob = await storeBlob(this.pool, this.store, {
      accountId,
      data,
      expiresInSeconds: this.options.blobExpirySeconds,
    });
    const payload: EmailImportPayload = {
      ifInState: null,
      emails: [
        {
          creationId: CREATION_ID,
          blobId: blob.blobId,
          mailboxIds: [inbox],
          keywords: [],
          receivedAt: null,
          delivery: { mailFrom: input.mailFrom ? normaliseAddress(input.mailFrom) : null, rcptTo: rcpt },
        },
      ],
    };
    let reply: EmailImportReply;
    try {
      reply = await this.send<EmailImportReply>(
        EMAIL_SERVICE,
        EmailCommandTypes.import,
        commandId,
        accountId,
        payload,
      );
    } catch (err) {
      if (err instanceof CommandFailedError) throw new Unavailable(err.message);
      throw err;
    }
    const result = this.outcome(reply, recipient, accountId, false);
    this.logger.info(
      { accountId, emailId: result.emailId, status: result.status, protocol },
      'message delivered',
    );
    return result;
  }
}

/** The options from the environment (MAX_MESSAGE_SIZE, DELIVERY_HOSTNAME, UPLOAD_EXPIRY_SECONDS). */
export function localDeliveryOptionsFromEnv(): LocalDeliveryOptions {
  const cfg = loadConfig(['MAX_MESSAGE_SIZE', 'DELIVERY_HOSTNAME', 'UPLOAD_EXPIRY_SECONDS']);
  return {
    maxMessageSize: cfg.MAX_MESSAGE_SIZE,
    localName: cfg.DELIVERY_HOSTNAME ?? hostname(),
    blobExpirySeconds: Math.max(cfg.UPLOAD_EXPIRY_SECONDS, 7 * 86400),
  };
}

/**
 * Provides LOCAL_DELIVERY. Needs PG_POOL, LOGGER, METRICS (PlatformModule), BLOB_STORE (BlobStoreModule) and a
 * COMMAND_BUS that reaches the email and mailbox services (MessagingModule with commandTargets including
 * 'email' and 'mailbox'; the in-process hub of the standalone app reaches every service).
 */
@Module({
  providers: [
    { provide: LOCAL_DELIVERY_OPTIONS, useFactory: localDeliveryOptionsFromEnv },
    LocalDelivery,
    { provide: LOCAL_DELIVERY, useExisting: LocalDelivery },
  ],
  exports: [LOCAL_DELIVERY, LocalDelivery],
})
export class LocalDeliveryModule {}
