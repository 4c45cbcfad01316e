/**
 * A minimal LMTP (RFC 2033) / SMTP (RFC 5321) client for the delivery tests: one connection, one command at a
 * time, every reply kept (code and text) so a test can assert the exact reply per recipient.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  code: number;
  text: string;
}

export interface TransactionResult {
  mailFrom: Reply;
  /** One per RCPT TO, in order. */
  rcpt: Reply[];
  /** The reply to DATA (354 when the message was sent; absent when no recipient was accepted). */
  data?: Reply;
  /** LMTP: one reply per accepted recipient, in RCPT order; SMTP: one reply. Empty when DATA was not sent. */
  final: Reply[];
}

export class LmtpClient {
  private buffer = '';
  private readonly waiters: Array<(r: Reply) => void> = [];
  private readonly replies: Reply[] = [];
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly lmtp: boolean,
  ) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w({ code: 0, text: 'connection closed' });
    });
    socket.on('error', () => undefined);
  }

  /** Connects, reads the greeting and says LHLO (or EHLO for SMTP). */
  static async open(
    port: number,
    options: { host?: string; lmtp?: boolean; name?: string } = {},
  ): Promise<LmtpClient> {
    const socket = connect(port, options.host ?? '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new LmtpClient(socket, options.lmtp ?? true);
    const greeting = await client.read();
    if (greeting.code !== 220) throw new Error(`greeting ${greeting.code} ${greeting.text}`);
    const hello = await client.command(
      `${client.lmtp ? 'LHLO' : 'EHLO'} ${options.name ?? 'mta.test.example'}`,
    );
    if (hello.code !== 250) throw new Error(`hello ${hello.code} ${hello.text}`);
    client.extensions = hello.text;
    return client;
  }

  /** The capability lines of the LHLO/EHLO reply. */
  extensions = '';

  private onData(d: string): void {
    this.buffer += d;
    for (;;) {
      // A reply ends at a line "ddd text" (space, not "-").
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3})(?: [^\r\n]*)?\r\n/.exec(this.buffer);
      if (!m) return;
      const block = m[0];
      this.buffer = this.buffer.slice(block.length);
      const text = block
        .split('\r\n')
        .filter(Boolean)
        .map((l) => l.slice(4))
        .join('\n');
      const reply = { code: Number(m[1]), text };
      const w = this.waiters.shift();
      if (w) w(reply);
      else this.replies.push(reply);
    }
  }

  read(): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.closed) return Promise.resolve({ code: 0, text: 'connection closed' });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** One mail transaction. `message` uses CRLF line endings; it is dot-stuffed here. */
  async send(o: {
    from: string;
    to: string[];
    message: Buffer | string;
    size?: number;
  }): Promise<TransactionResult> {
    const mailFrom = await this.command(
      `MAIL FROM:<${o.from}>${o.size !== undefined ? ` SIZE=${o.size}` : ''}`,
    );
    const result: TransactionResult = { mailFrom, rcpt: [], final: [] };
    if (mailFrom.code !== 250) return result;
    for (const r of o.to) result.rcpt.push(await this.command(`RCPT TO:<${r}>`));
    const accepted = result.rcpt.filter((r) => r.code === 250).length;
    if (accepted === 0) {
      await this.command('RSET');
      return result;
    }
    result.data = await this.command('DATA');
    if (result.data.code !== 354) return result;
    const raw = typeof o.message === 'string' ? Buffer.from(o.message, 'utf8') : o.message;
    const stuffed = raw.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
    this.socket.write(Buffer.from(stuffed + (stuffed.endsWith('\r\n') ? '' : '\r\n') + '.\r\n', 'latin1'));
    const n = this.lmtp ? accepted : 1;
    for (let i = 0; i < n; i++) result.final.push(await this.read());
    return result;
  }

  async quit(): Promise<void> {
    if (!this.closed) await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }
}
