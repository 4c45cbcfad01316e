/**
 * The inbound listeners: LMTP (RFC 2033) on LMTP_PORT and, when SMTP_PORT is set, plain SMTP (RFC 5321) for tests
 * and simple setups, both on DELIVERY_HOST (default HOST). No AUTH, no STARTTLS: they are meant for the MTA in
 * front (Postfix, a load balancer's private network), not for the open internet.
 *
 * Replies (RFC 2033 section 4.2: LMTP answers after DATA once per accepted recipient, in RCPT order):
 * - RCPT TO of an address no account has: 550 5.1.1; the lookup failing (database down): 452 4.3.0.
 * - a message over MAX_MESSAGE_SIZE: 552 5.3.4 (at MAIL FROM with SIZE=, else after DATA for every recipient).
 * - after DATA, per recipient: 250 2.0.0 only once the email service committed the email (or it was there
 *   already: a re-delivery of the same octets), 452 4.3.0 when the account cannot store it now (database,
 *   Kafka, S3 or the email service unavailable), so the MTA keeps the message and retries.
 * SMTP has one reply after DATA for all recipients: 250 when every recipient got the message, else the first
 * failure (a retry delivers again to those that got it: they answer as duplicates, nothing is stored twice).
 *
 * Shutdown: the listening sockets close first (no new connections), transactions in flight finish, connections
 * still open then get 421 and are closed.
 */
import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { LOGGER, loadConfig, type Logger } from '@jmap/platform';
import { LocalDelivery, LocalDeliveryModule, type DeliveryResult } from './local-delivery.js';

export interface ListenerOptions {
  host: string;
  lmtpPort: number | null;
  smtpPort: number | null;
  /** Name in the greeting. */
  name: string;
}

function replyError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The reply for one recipient after DATA: a string is 250, an Error carries its code. */
export function replyFor(r: DeliveryResult): string | (Error & { responseCode: number }) {
  switch (r.status) {
    case 'delivered':
    case 'duplicate':
      return `2.0.0 <${r.recipient}> ${r.message}`;
    case 'unknown':
      return replyError(550, `5.1.1 <${r.recipient}> ${r.message}`);
    case 'tooLarge':
      return replyError(552, `5.3.4 ${r.message}`);
    case 'unavailable':
      return replyError(452, `4.3.0 <${r.recipient}> ${r.message}`);
  }
}

/** The one SMTP reply after DATA for all recipients: success only when every recipient succeeded. */
export function smtpReplyFor(
  results: readonly DeliveryResult[],
): string | (Error & { responseCode: number }) {
  const failed = results
    .map(replyFor)
    .find((r): r is Error & { responseCode: number } => typeof r !== 'string');
  return failed ?? `2.0.0 Delivered to ${results.length} recipient${results.length === 1 ? '' : 's'}`;
}

export const DELIVERY_LISTENER_OPTIONS = Symbol('DELIVERY_LISTENER_OPTIONS');

interface ServerInternals {
  server: { close(cb?: (err?: Error) => void): void; address(): AddressInfo | string | null };
  connections: Set<{ send(code: number, message: string): void; close(): void }>;
}

@Injectable()
export class DeliveryListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly servers: Array<{ protocol: 'LMTP' | 'SMTP'; server: SMTPServer }> = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private draining = false;

  constructor(
    @Inject(LocalDelivery) private readonly delivery: LocalDelivery,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DELIVERY_LISTENER_OPTIONS) private readonly options: ListenerOptions,
  ) {}

  /** The ports actually bound (after port 0 picked one). */
  ports(): { lmtp?: number; smtp?: number } {
    const out: { lmtp?: number; smtp?: number } = {};
    for (const s of this.servers) {
      const a = (s.server as unknown as ServerInternals).server.address();
      if (a && typeof a === 'object') out[s.protocol === 'LMTP' ? 'lmtp' : 'smtp'] = a.port;
    }
    return out;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.lmtpPort !== null) await this.listen('LMTP', this.options.lmtpPort);
    if (this.options.smtpPort !== null) await this.listen('SMTP', this.options.smtpPort);
  }

  private async listen(protocol: 'LMTP' | 'SMTP', port: number): Promise<void> {
    const lmtp = protocol === 'LMTP';
    const server = new SMTPServer({
      lmtp,
      name: this.options.name,
      banner: 'jmap-store delivery',
      size: this.delivery.maxMessageSize,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onMailFrom: (_address, _session, cb) => {
        if (this.draining) return cb(replyError(421, '4.3.2 Service shutting down, try again later'));
        cb();
      },
      onRcptTo: (address, session, cb) => {
        this.rcpt(address, session).then(() => cb(), cb);
      },
      onData: (stream, session, cb) => {
        const work = this.data(stream, session, lmtp);
        this.inflight.add(work);
        work.then(
          (reply) => {
            this.inflight.delete(work);
            if (Array.isArray(reply)) cb(null, reply as unknown as string);
            else if (typeof reply === 'string') cb(null, reply);
            else cb(reply);
          },
          (err: unknown) => {
            this.inflight.delete(work);
            this.logger.error({ err }, 'delivery transaction failed');
            cb(replyError(452, '4.3.0 Temporary failure, try again later'));
          },
        );
      },
    });
    server.on('error', (err) => this.logger.warn({ err, protocol }, 'listener error'));
    const host = this.options.host;
    await new Promise<void>((resolve, reject) => {
      const internals = server as unknown as ServerInternals & { server: NodeJS.EventEmitter };
      internals.server.once('error', reject);
      server.listen(port, host, () => {
        internals.server.off('error', reject);
        resolve();
      });
    });
    this.servers.push({ protocol, server });
    const bound = (server as unknown as ServerInternals).server.address() as AddressInfo;
    this.logger.info({ protocol, host, port: bound.port }, `${protocol} listener ready`);
  }

  private async rcpt(address: SMTPServerAddress, _session: SMTPServerSession): Promise<void> {
    let accountId: string | null;
    try {
      accountId = await this.delivery.resolve(address.address);
    } catch (err) {
      this.logger.warn({ err }, 'recipient lookup failed');
      throw replyError(452, '4.3.0 Temporary lookup failure, try again later');
    }
    if (!accountId)
      throw replyError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`);
  }

  private async data(
    stream: Readable,
    session: SMTPServerSession,
    lmtp: boolean,
  ): Promise<string | Error | Array<string | Error>> {
    const chunks: Buffer[] = [];
    let size = 0;
    const max = this.delivery.maxMessageSize;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    }
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    if (size > max || (stream as Readable & { sizeExceeded?: boolean }).sizeExceeded) {
      // smtp-server answers 552 per recipient itself when the message is over its size option.
      return replyError(552, `5.3.4 Message exceeds the maximum size of ${max} octets`);
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
    const results = await this.delivery.deliver({
      raw: Buffer.concat(chunks),
      mailFrom,
      recipients,
      protocol: lmtp ? 'LMTP' : 'ESMTP',
      clientName: session.hostNameAppearsAs || undefined,
      clientAddress: session.remoteAddress || undefined,
    });
    return lmtp ? results.map(replyFor) : smtpReplyFor(results);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const servers = this.servers.splice(0);
    // 1. No new connections (the close callback would wait for the open ones: not awaited).
    for (const s of servers) (s.server as unknown as ServerInternals).server.close(() => undefined);
    // 2. The transactions in flight finish (their replies are sent).
    if (this.inflight.size > 0) {
      this.logger.info({ transactions: this.inflight.size }, 'waiting for delivery transactions in flight');
      await Promise.allSettled([...this.inflight]);
    }
    // 3. Connections left open (idle, or between transactions) are told and closed.
    for (const s of servers) {
      for (const c of (s.server as unknown as ServerInternals).connections) {
        try {
          c.send(421, '4.3.2 Service shutting down');
          c.close();
        } catch {
          /* already gone */
        }
      }
    }
    if (servers.length > 0) this.logger.info('delivery listeners closed');
  }
}

/** LMTP_PORT, SMTP_PORT, DELIVERY_HOST (default HOST), DELIVERY_HOSTNAME (default the host name). */
export function listenerOptionsFromEnv(opts: { lmtp: 'always' | 'whenSet' }): ListenerOptions {
  const cfg = loadConfig(['LMTP_PORT', 'SMTP_PORT', 'DELIVERY_HOST', 'HOST', 'DELIVERY_HOSTNAME']);
  const lmtpSet = process.env.LMTP_PORT !== undefined && process.env.LMTP_PORT !== '';
  return {
    host: cfg.DELIVERY_HOST ?? cfg.HOST,
    lmtpPort: opts.lmtp === 'always' || lmtpSet ? cfg.LMTP_PORT : null,
    smtpPort: cfg.SMTP_PORT ?? null,
    name: cfg.DELIVERY_HOSTNAME ?? 'localhost',
  };
}

/**
 * The listeners and the local delivery they use. `lmtp: 'always'` (the delivery service) listens on LMTP_PORT
 * (default 2424); `'whenSet'` (the standalone server) only when LMTP_PORT is set, so several standalone servers
 * on one machine do not fight over the port.
 */
@Module({})
export class DeliveryListenersModule {
  static forRoot(opts: { lmtp: 'always' | 'whenSet' }) {
    return {
      module: DeliveryListenersModule,
      imports: [LocalDeliveryModule],
      providers: [
        { provide: DELIVERY_LISTENER_OPTIONS, useFactory: () => listenerOptionsFromEnv(opts) },
        DeliveryListeners,
      ],
      exports: [DeliveryListeners],
    };
  }
}
