/**
 * JMAP over WebSocket (RFC 8887) at /jmap/ws: the handshake must offer the "jmap" subprotocol and be
 * authenticated like any API request (section 4.1); then text frames carry
 *
 * - `Request` objects → a `Response` (or a `RequestError` problem) with the client's id as `requestId`, processed
 *   exactly like POST /jmap/api (the same RequestProcessor and maxConcurrentRequests slots); requests on one
 *   socket may complete out of order (section 4.3.2);
 * - `WebSocketPushEnable` {dataTypes, pushState} → StateChanges with a `pushState` from then on, and at once the
 *   changes since the given pushState (section 4.3.5.2); `WebSocketPushDisable` stops them.
 *
 * Binary frames close the connection with 1003 (section 4.3.1); a message is at most maxSizeRequest octets.
 *
 * Each Request is authenticated again with the handshake's credentials (answered from memory while nothing about
 * them changed, ADR 0011): it is processed with the accounts the principal may use now, and once the credentials
 * are no longer accepted (password reset, token revoked, principal disabled) the connection closes with 1008. The
 * same check runs when such a change is reported while the connection is idle, and the connection also closes with
 * 1008 when push is on for an account the principal may no longer use.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  type AuthedRequest,
  type RequestAuth,
  type RequestProcessor,
  baseUrlOf,
  namesUnknownAccount,
  requestIdOf,
  sendProblem,
} from '@jmap/gateway';
import type { Logger, Pool } from '@jmap/platform';
import { RequestError, limitError, parseRequestBody } from '@jmap/protocol';
import { toStateStrings, type TypeStates } from '@jmap/push-domain';
import { openPushSession, type PushSession } from './push-session.js';
import type { StateChangeHub } from './state-change-hub.js';

export interface WebSocketDeps {
  auth: RequestAuth;
  processor: RequestProcessor;
  hub: StateChangeHub;
  db: Pool;
  publicUrl: string | null;
  logger: Logger;
}

export const WEBSOCKET_PATH = '/jmap/ws';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The client offered the "jmap" subprotocol (RFC 8887 section 4.2). */
export function offersJmap(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((p) => p.trim() === 'jmap');
}

export function registerWebSocketRoute(app: FastifyInstance, deps: WebSocketDeps): void {
  const authed = new WeakMap<FastifyRequest, AuthedRequest>();
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-request-id', requestIdOf(req));
    if (!offersJmap(req.headers['sec-websocket-protocol'])) {
      return sendProblem(reply, 400, { type: 'about:blank', title: 'Bad Request', detail: 'A JMAP WebSocket must offer the "jmap" subprotocol (RFC 8887).' });
    }
    const who = await deps.auth.authenticate(req, reply);
    if (!who) return reply;
    authed.set(req, who);
  };
  const handler = (socket: WebSocket, req: FastifyRequest) => {
    const who = authed.get(req);
    if (!who) return socket.close(1008);
    const { authorization } = req.headers;
    const address = req.ip;
    const recheck = (fresh: boolean) => deps.auth.recheck(authorization, address, { fresh });
    const jmap = new JmapSocket(socket, who, recheck, baseUrlOf(req, deps.publicUrl), deps);
    jmap.listen();
    const unwatch = deps.auth.watch(who.principal.id, () => void jmap.checkAgain());
    socket.once('close', unwatch);
  };
  app.get(WEBSOCKET_PATH, { websocket: true, onRequest }, handler);
  app.get(`${WEBSOCKET_PATH}/`, { websocket: true, onRequest }, handler);
}

class JmapSocket {
  private push: PushSession | null = null;
  /** The accounts `push` was opened for. */
  private pushAccounts: string[] = [];
  private pushOpening = 0;

  constructor(
    private readonly socket: WebSocket,
    private who: AuthedRequest,
    /** The handshake's credentials checked again: the principal and accounts now, or null when refused. */
    private readonly recheck: (fresh: boolean) => Promise<AuthedRequest | null>,
    private readonly baseUrl: string,
    private readonly deps: WebSocketDeps,
  ) {}

  listen(): void {
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) return this.socket.close(1003, 'binary frames are not JMAP');
      void this.onMessage(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).catch((err: unknown) => {
        this.deps.logger.error({ err }, 'websocket message failed');
        this.send({ '@type': 'RequestError', requestId: null, type: 'about:blank', status: 500, detail: 'An unexpected error occurred.' });
      });
    });
    this.socket.on('close', () => {
      this.pushOpening++;
      this.push?.close();
      this.push = null;
    });
  }

  /** After a reported change to the principal's credentials or accounts (ADR 0011). */
  async checkAgain(): Promise<void> {
    let who: AuthedRequest | null;
    try {
      who = await this.recheck(false);
    } catch (err) {
      // The database did not answer: keep the connection; its next Request checks again.
      this.deps.logger.warn({ err }, 'websocket: credentials not checked again');
      return;
    }
    if (!who) return this.socket.close(1008, 'the credentials are no longer accepted');
    if (this.push && this.pushAccounts.some((id) => !who.access.has(id))) {
      return this.socket.close(1008, 'push is on for an account that is no longer accessible');
    }
    this.who = who;
  }

  private send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private requestError(err: RequestError, requestId: unknown): void {
    this.send({ '@type': 'RequestError', requestId: typeof requestId === 'string' ? requestId : null, ...err.toProblem() });
  }

  private async onMessage(data: Buffer): Promise<void> {
    let value: unknown;
    try {
      value = parseRequestBody(data);
    } catch (err) {
      if (err instanceof RequestError) return this.requestError(err, null);
      throw err;
    }
    if (!isObject(value)) return this.requestError(new RequestError('notRequest', 'A message must be a JSON object.'), null);
    switch (value['@type']) {
      case 'Request':
        return this.request(value);
      case 'WebSocketPushEnable':
        return this.enablePush(value);
      case 'WebSocketPushDisable':
        this.pushOpening++;
        this.push?.close();
        this.push = null;
        return;
      default:
        return this.requestError(
          new RequestError('notRequest', '"@type" must be "Request", "WebSocketPushEnable" or "WebSocketPushDisable".'),
          value.id,
        );
    }
  }

  private async request(value: Record<string, unknown>): Promise<void> {
    const id = value.id;
    if (id !== undefined && typeof id !== 'string') return this.requestError(new RequestError('notRequest', '"id" must be a String.'), null);
    let who = await this.recheck(false);
    // An account the remembered login does not list may have been shared a moment ago: read before refusing it.
    if (who?.fromMemory && namesUnknownAccount(value, who)) who = await this.recheck(true);
    if (!who) {
      this.socket.close(1008, 'the credentials are no longer accepted');
      return;
    }
    this.who = who;
    const release = this.deps.processor.limiter.tryAcquire(this.who.principal.id);
    if (!release) {
      return this.requestError(limitError('maxConcurrentRequests', `At most ${this.deps.processor.limiter.max} requests at once per user.`), id);
    }
    try {
      const { '@type': _type, id: _id, ...request } = value;
      const response = await this.deps.processor.process(request, this.who, randomUUID(), this.baseUrl);
      this.send({ '@type': 'Response', ...(id !== undefined ? { requestId: id } : {}), ...response });
    } catch (err) {
      if (err instanceof RequestError) return this.requestError(err, id);
      throw err;
    } finally {
      release();
    }
  }

  private async enablePush(value: Record<string, unknown>): Promise<void> {
    const { dataTypes, pushState } = value;
    if (dataTypes !== null && dataTypes !== undefined && (!Array.isArray(dataTypes) || !dataTypes.every((t) => typeof t === 'string'))) {
      return this.requestError(new RequestError('notRequest', '"dataTypes" must be null or an array of type names.'), null);
    }
    if (pushState !== undefined && pushState !== null && typeof pushState !== 'string') {
      return this.requestError(new RequestError('notRequest', '"pushState" must be a String.'), null);
    }
    this.push?.close();
    this.push = null;
    const attempt = ++this.pushOpening;
    const accountIds = [...this.who.access.keys()];
    const session = await openPushSession(
      this.deps.db,
      this.deps.hub,
      {
        kind: 'websocket',
        accountIds,
        filter: Array.isArray(dataTypes) ? new Set(dataTypes as string[]) : null,
        lastSeen: typeof pushState === 'string' ? pushState : null,
        end: () => this.socket.close(1001, 'server shutting down'),
      },
      (accountId, fresh) => this.stateChange({ [accountId]: fresh }),
    );
    // Disabled, re-enabled or closed while the session opened.
    if (attempt !== this.pushOpening) return session.close();
    this.push = session;
    this.pushAccounts = accountIds;
    if (session.catchUp) this.stateChange(session.catchUp);
    session.flush();
  }

  private stateChange(changed: Record<string, TypeStates>): void {
    if (!this.push) return;
    const body = Object.fromEntries(Object.entries(changed).map(([a, s]) => [a, toStateStrings(s)]));
    this.send({ '@type': 'StateChange', changed: body, pushState: this.push.tracker.encode() });
  }
}
