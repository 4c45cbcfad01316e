/**
 * The outbound relay: one SMTP session per attempt to the configured smarthost (SMTP_RELAY_URL), with STARTTLS
 * per SMTP_RELAY_STARTTLS and AUTH from the URL's user info. Each recipient gets its own outcome: the RCPT TO
 * reply when it was refused there, else the reply to the end of DATA (RFC 8621 7 smtpReply).
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { outcomeOfReply, type RecipientOutcome } from '@jmap/submission-domain';

export type StartTlsMode = 'auto' | 'require' | 'opportunistic' | 'off';

export interface RelayConfig {
  url: string;
  startTls: StartTlsMode;
  heloName: string;
  timeoutMs: number;
  rejectUnauthorized: boolean;
}

export interface RelayTarget {
  host: string;
  port: number;
  /** Implicit TLS from the first octet (smtps://). */
  secure: boolean;
  user: string | null;
  pass: string | null;
}

/** smtp://[user:pass@]host[:port] (STARTTLS per mode, port 587) or smtps://... (implicit TLS, port 465). */
export function parseRelayUrl(url: string): RelayTarget {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error(`SMTP_RELAY_URL must be smtp:// or smtps://, got ${u.protocol}`);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    user: u.username ? decodeURIComponent(u.username) : null,
    pass: u.password ? decodeURIComponent(u.password) : null,
  };
}

/** STARTTLS options: "auto" is "require" when credentials are sent (never AUTH in clear), else opportunistic. */
export function tlsOptions(
  mode: StartTlsMode,
  target: RelayTarget,
): { requireTLS: boolean; ignoreTLS: boolean; opportunisticTLS: boolean } {
  if (target.secure) return { requireTLS: false, ignoreTLS: true, opportunisticTLS: false };
  const effective = mode === 'auto' ? (target.user ? 'require' : 'opportunistic') : mode;
  return {
    requireTLS: effective === 'require',
    ignoreTLS: effective === 'off',
    opportunisticTLS: effective === 'opportunistic',
  };
}

export interface RelayResult {
  outcomes: Map<string, RecipientOutcome>;
}

interface SmtpErr {
  responseCode?: number;
  response?: string;
  message?: string;
  code?: string;
  recipient?: string;
  rejectedErrors?: SmtpErr[];
}

export class SmtpRelay {
  private readonly target: RelayTarget;

  constructor(private readonly config: RelayConfig) {
    this.target = parseRelayUrl(config.url);
  }

  /** Where mail goes, without credentials (for logs). */
  describe(): string {
    return `${this.target.secure ? 'smtps' : 'smtp'}://${this.target.host}:${this.target.port} (STARTTLS ${this.config.startTls}${this.target.user ? ', AUTH' : ''})`;
  }

  async send(mailFrom: string, recipients: readonly string[], raw: Buffer): Promise<RelayResult> {
    const outcomes = new Map<string, RecipientOutcome>();
    const conn = new SMTPConnection({
      host: this.target.host,
      port: this.target.port,
      secure: this.target.secure,
      ...tlsOptions(this.config.startTls, this.target),
      name: this.config.heloName,
      connectionTimeout: this.config.timeoutMs,
      greetingTimeout: this.config.timeoutMs,
      socketTimeout: this.config.timeoutMs,
      tls: { rejectUnauthorized: this.config.rejectUnauthorized },
    });
    const failAll = (err: SmtpErr) => {
      const outcome = err.responseCode
        ? outcomeOfReply(err.responseCode, err.response ?? '')
        : ({
            kind: 'transient',
            smtpReply: `451 4.4.1 Relay not reachable: ${(err.code ?? err.message ?? 'error').slice(0, 200)}`,
          } as const);
      for (const r of recipients) if (!outcomes.has(r)) outcomes.set(r, outcome);
    };
    // A socket error or an early close fails whatever step is in flight (and never goes unhandled).
    const broken = new Promise<never>((_, reject) => {
      conn.on('error', reject);
      conn.once('end', () => reject(Object.assign(new Error('connection closed'), { code: 'ECONNCLOSED' })));
    });
    broken.catch(() => undefined);
    const step = <T>(run: (done: (err: unknown, v?: T) => void) => void): Promise<T> =>
      Promise.race([
        broken,
        new Promise<T>((resolve, reject) => run((err, v) => (err ? reject(err) : resolve(v as T)))),
      ]);
    try {
      await step<void>((done) => conn.connect((err) => done(err)));
      if (this.target.user) {
        await step<boolean>((done) =>
          conn.login({ user: this.target.user!, pass: this.target.pass ?? '' }, done),
        );
      }
      const info = await step<SMTPConnection.SentMessageInfo>((done) =>
        conn.send({ from: mailFrom, to: [...recipients] }, raw, done),
      );
      for (const e of (info.rejectedErrors ?? []) as SmtpErr[]) {
        if (e.recipient)
          outcomes.set(e.recipient, outcomeOfReply(e.responseCode, e.response ?? e.message ?? ''));
      }
      const code = Number(/^\d{3}/.exec(info.response)?.[0] ?? 250);
      for (const r of info.accepted)
        if (!outcomes.has(r)) outcomes.set(r, outcomeOfReply(code, info.response));
      failAll({ responseCode: 451, response: '451 4.3.0 No reply for this recipient' });
    } catch (err) {
      const e = err as SmtpErr;
      // Every recipient refused at RCPT TO: each has its own reply.
      for (const re of e.rejectedErrors ?? [])
        if (re.recipient)
          outcomes.set(re.recipient, outcomeOfReply(re.responseCode, re.response ?? re.message ?? ''));
      failAll(e);
    } finally {
      try {
        conn.quit();
      } catch {
        conn.close();
      }
    }
    return { outcomes };
  }
}
