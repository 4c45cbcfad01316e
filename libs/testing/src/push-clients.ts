/**
 * Push clients for e2e tests: an EventSource reader (text/event-stream over node:http, parsed as the HTML
 * living standard says: `event`, `data`, `id` fields, blank line dispatches) and a JMAP WebSocket (RFC 8887)
 * with the "jmap" subprotocol. Both collect what arrives with its arrival time and let a test wait for the next
 * message that matches.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
  /** Date.now() when the event was dispatched. */
  at: number;
}

export class Inbox<T> {
  readonly all: T[] = [];
  private readonly waiters: Array<{ test: (m: T) => boolean; resolve: (m: T) => void; from: number }> = [];

  push(m: T): void {
    this.all.push(m);
    for (const w of [...this.waiters]) {
      if (w.test(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }

  /** The first message after the `from`-th that matches (already received ones count). */
  next(test: (m: T) => boolean, timeoutMs: number, from = 0): Promise<T> {
    const found = this.all.slice(from).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve, from };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms (got ${this.all.length}: ${JSON.stringify(this.all).slice(0, 500)})`));
      }, timeoutMs);
      waiter.resolve = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }
}

export interface EventSourceConnection {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly events: Inbox<SseEvent>;
  /** Resolves when the server ended the response. */
  readonly ended: Promise<void>;
  /** Parsed StateChanges of the "state" events so far. */
  states(): Array<{ changed: Record<string, Record<string, string>>; id: string | undefined }>;
  close(): void;
}

/** Opens an event-source URL; resolves once the response headers arrived. */
export function openEventSource(url: string, headers: Record<string, string> = {}): Promise<EventSourceConnection> {
  return new Promise((resolve, reject) => {
    const events = new Inbox<SseEvent>();
    let endResolve!: () => void;
    const ended = new Promise<void>((r) => (endResolve = r));
    const req: ClientRequest = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let buffer = '';
      let current: { event?: string; data: string[]; id?: string } = { data: [] };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (current.data.length > 0 || current.event) {
              events.push({ event: current.event ?? 'message', data: current.data.join('\n'), id: current.id, at: Date.now() });
            }
            current = { data: [] };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') current.event = value;
          else if (field === 'data') current.data.push(value);
          else if (field === 'id') current.id = value;
        }
      });
      res.on('end', endResolve);
      res.on('close', endResolve);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        states: () =>
          events.all
            .filter((e) => e.event === 'state')
            .map((e) => ({ changed: (JSON.parse(e.data) as { changed: Record<string, Record<string, string>> }).changed, id: e.id })),
        close: () => req.destroy(),
      });
    });
    req.once('error', reject);
    req.end();
  });
}

export interface JmapSocket {
  readonly socket: WebSocket;
  readonly protocol: string;
  readonly messages: Inbox<Record<string, unknown>>;
  send(message: unknown): void;
  close(): Promise<void>;
}

/** Opens a JMAP WebSocket (subprotocol "jmap") with the given Authorization header. */
export function openJmapSocket(url: string, authorization: string | null, protocols: string[] = ['jmap']): Promise<JmapSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers: authorization ? { authorization } : {} });
    const messages = new Inbox<Record<string, unknown>>();
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        protocol: socket.protocol,
        messages,
        send: (m) => socket.send(typeof m === 'string' ? m : JSON.stringify(m)),
        close: () =>
          new Promise<void>((r) => {
            if (socket.readyState === WebSocket.CLOSED) return r();
            socket.once('close', () => r());
            socket.close();
          }),
      }),
    );
  });
}

/** Resolves like `promise`, or rejects after `ms` naming `what`. */
export function within<T>(promise: Promise<T>, ms: number, what = 'the expected event'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}
