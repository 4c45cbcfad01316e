/**
 * A real SMTP server on loopback for tests of outbound mail (the relay a submission goes through): records the
 * envelope and the raw octets of every message it accepted. It can be told to refuse (4xx/5xx) at RCPT TO for
 * some recipients or at the end of DATA, to hold its DATA reply (so a test can kill the sender mid-send), to
 * require AUTH (over STARTTLS with smtp-server's built-in certificate), and to be down (not listening) and up
 * again on the same port.
 *
 * A message counts as received only when the 250 after DATA goes to a client that is still connected: a sender
 * killed before the reply has not handed the message over (RFC 5321 section 6.1), so the sink drops it.
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { sleep } from './infra/process.js';

export interface SinkMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** The client's EHLO name and whether the session was authenticated and on TLS. */
  heloName: string;
  user: string | null;
  secure: boolean;
  at: Date;
}

export interface SinkReply {
  code: number;
  message: string;
}

export interface SmtpSinkOptions {
  port?: number;
  /** Require AUTH PLAIN/LOGIN with these credentials (STARTTLS is offered; AUTH in clear is refused). */
  auth?: { user: string; pass: string };
}

const smtpError = (r: SinkReply) => Object.assign(new Error(r.message), { responseCode: r.code });

export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  /** Connections the sink saw (for "never sent" assertions). */
  connections = 0;
  private server: SMTPServer | null = null;
  private readonly rcptReplies = new Map<string, SinkReply>();
  private dataReply: SinkReply | null = null;
  private dataDelayMs = 0;
  private readonly closed = new Set<string>();
  private dataStartedAt: number | null = null;

  private constructor(
    private port_: number,
    private readonly options: SmtpSinkOptions,
  ) {}

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options.port ?? 0, options);
    await sink.up();
    return sink;
  }

  get port(): number {
    return this.port_;
  }

  /** The SMTP_RELAY_URL for this sink (with the credentials when it requires AUTH). */
  get url(): string {
    const a = this.options.auth;
    return a
      ? `smtp://${encodeURIComponent(a.user)}:${encodeURIComponent(a.pass)}@127.0.0.1:${this.port_}`
      : `smtp://127.0.0.1:${this.port_}`;
  }

  /** Refuse RCPT TO for this address with this reply (e.g. 550 5.1.1 or 450 4.2.1); null: accept again. */
  rejectRecipient(address: string, reply: SinkReply | null): void {
    if (reply) this.rcptReplies.set(address.toLowerCase(), reply);
    else this.rcptReplies.delete(address.toLowerCase());
  }

  /** Answer the end of DATA with this reply instead of 250; null: accept again. */
  failData(reply: SinkReply | null): void {
    this.dataReply = reply;
  }

  /** Hold the reply to the end of DATA for this long. */
  delayData(ms: number): void {
    this.dataDelayMs = ms;
  }

  /** When a client last finished sending DATA and is waiting for the reply (null: none yet). */
  get dataStarted(): number | null {
    return this.dataStartedAt;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const auth = this.options.auth;
    const server = new SMTPServer({
      name: 'sink.test',
      banner: 'jmap-store test sink',
      logger: false,
      authOptional: !auth,
      ...(auth ? {} : { disabledCommands: ['AUTH'] }),
      size: 100 * 1024 * 1024,
      // down(): open sessions are cut after this long instead of smtp-server's 30 s.
      closeTimeout: 50,
      onConnect: (_session, cb) => {
        this.connections++;
        cb();
      },
      onAuth: (a, _session, cb) => {
        if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
        else cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
      },
      onRcptTo: (address: SMTPServerAddress, _session, cb) => {
        const r = this.rcptReplies.get(address.address.toLowerCase());
        cb(r ? smtpError(r) : null);
      },
      onData: (stream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.dataStartedAt = Date.now();
          void (async () => {
            if (this.dataDelayMs > 0) await sleep(this.dataDelayMs);
            if (this.closed.has(session.id)) return; // the client went away before the reply: not received
            if (this.dataReply) return cb(smtpError(this.dataReply));
            this.messages.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              raw: Buffer.concat(chunks),
              heloName: session.hostNameAppearsAs ?? '',
              user: (session.user as string | undefined) ?? null,
              secure: session.secure,
              at: new Date(),
            });
            cb(null, '2.0.0 Accepted by the sink');
          })();
        });
      },
      onClose: (session) => {
        this.closed.add(session.id);
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port_, '127.0.0.1', () => resolve());
    });
    this.port_ = (server.server.address() as { port: number }).port;
    this.server = server;
  }

  /** Stops listening and drops the open connections (the relay is "down"); `up()` listens on the same port. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
  }

  async stop(): Promise<void> {
    await this.down();
  }

  /** Waits until at least `n` messages arrived. */
  async waitForMessages(n: number, timeoutMs = 30_000): Promise<SinkMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < n) {
      if (Date.now() > deadline)
        throw new Error(`the sink received ${this.messages.length} of ${n} messages within ${timeoutMs} ms`);
      await sleep(50);
    }
    return this.messages;
  }
}
