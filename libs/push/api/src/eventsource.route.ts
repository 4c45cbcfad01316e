/**
 * The event-source resource (RFC 8620 section 7.3) at the Session's eventSourceUrl:
 * GET /jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}
 *
 * - Authentication: the Authorization header, or `&token=<ticket>` from POST /jmap/eventsource-token for
 *   clients that cannot set headers (a browser's EventSource).
 * - Each "state" event carries a StateChange for one or more accounts and an id that encodes every state the
 *   client now holds; a reconnect's Last-Event-ID is compared with the current states and what changed in
 *   between is sent at once.
 * - "ping" events ({"interval": n}, no id) whenever `n` seconds passed since the last event; the interval is
 *   clamped to [EVENTSOURCE_MIN_PING_SECONDS, 3600].
 * - closeafter=state ends the response after the first state event.
 * - When a change to the principal's credentials or accounts is reported (ADR 0011), the stream checks them again
 *   (the Authorization header's credentials; for a ticket, the principal) and ends once they are refused or an
 *   account it pushes for is no longer accessible; the client's reconnect is then authenticated anew.
 *
 * The response is written directly to the socket (no compression, no buffering), so events leave at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuthedRequest, type RequestAuth, requestIdOf, sendProblem } from '@jmap/gateway';
import type { Logger, Pool } from '@jmap/platform';
import type { EventSourceTokenRepository } from '@jmap/push-data-access';
import { EventSourceParamError, parseEventSourceParams, sseEvent, toStateStrings, type AccountStates } from '@jmap/push-domain';
import type { PushApiConfig } from './push-api-config.js';
import { openPushSession } from './push-session.js';
import type { StateChangeHub } from './state-change-hub.js';

export interface EventSourceDeps {
  config: PushApiConfig;
  auth: RequestAuth;
  tokens: EventSourceTokenRepository;
  hub: StateChangeHub;
  db: Pool;
  logger: Logger;
}

async function authenticate(req: FastifyRequest, reply: FastifyReply, deps: EventSourceDeps): Promise<AuthedRequest | null> {
  const token = (req.query as Record<string, unknown>).token;
  if (typeof token !== 'string') return deps.auth.authenticate(req, reply);
  const principalId = await deps.tokens.principalOf(token);
  const who = principalId ? await deps.auth.loadById(principalId) : null;
  if (!who) sendProblem(reply, 401, { type: 'about:blank', title: 'Unauthorized', detail: 'The event-source token is unknown or expired.' });
  return who;
}

export function registerEventSourceRoutes(app: FastifyInstance, deps: EventSourceDeps): void {
  const stream = async (req: FastifyRequest, reply: FastifyReply) => {
    const requestId = requestIdOf(req);
    reply.header('x-request-id', requestId);
    reply.header('cache-control', 'no-store');
    const who = await authenticate(req, reply, deps);
    if (!who) return reply;
    let params;
    try {
      params = parseEventSourceParams(req.query as Record<string, string>, deps.config.minPingSeconds);
    } catch (err) {
      if (err instanceof EventSourceParamError) return sendProblem(reply, 400, { type: 'about:blank', title: 'Bad Request', detail: err.message });
      throw err;
    }
    const raw = reply.raw;
    let closed = false;
    let pingTimer: NodeJS.Timeout | undefined;
    const schedulePing = () => {
      clearTimeout(pingTimer);
      if (params.pingSeconds > 0 && !closed) {
        pingTimer = setTimeout(() => {
          write(sseEvent('ping', { interval: params.pingSeconds }));
          schedulePing();
        }, params.pingSeconds * 1000);
      }
    };
    const write = (chunk: string) => {
      if (!closed) raw.write(chunk);
    };
    const sendState = (changed: AccountStates) => {
      if (closed) return;
      const body = Object.fromEntries(Object.entries(changed).map(([a, s]) => [a, toStateStrings(s)]));
      write(sseEvent('state', { '@type': 'StateChange', changed: body }, session.tracker.encode()));
      if (params.closeAfterState) return end();
      schedulePing();
    };
    const end = () => {
      if (closed) return;
      closed = true;
      clearTimeout(pingTimer);
      unwatch();
      session?.close();
      raw.end();
    };
    const { authorization } = req.headers;
    const address = req.ip;
    const byTicket = typeof (req.query as Record<string, unknown>).token === 'string';
    const accountIds = [...who.access.keys()];
    // A ticket only opens the stream: later checks are about the principal, not the expired ticket.
    const recheck = () => (byTicket ? deps.auth.loadById(who.principal.id) : deps.auth.recheck(authorization, address));
    let unwatch: () => void = () => undefined;
    const lastEventId = req.headers['last-event-id'];
    // Opened before the headers are sent, so an error here is still an HTTP error.
    const session = await openPushSession(
      deps.db,
      deps.hub,
      {
        kind: 'eventsource',
        accountIds,
        filter: params.types,
        lastSeen: typeof lastEventId === 'string' ? lastEventId : null,
        end: () => end(),
      },
      (accountId, fresh) => sendState({ [accountId]: fresh }),
    );
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': requestId,
    });
    raw.socket?.setNoDelay(true);
    raw.once('close', () => {
      closed = true;
      clearTimeout(pingTimer);
      unwatch();
      session.close();
    });
    unwatch = deps.auth.watch(who.principal.id, () => {
      void recheck().then(
        (now) => {
          if (!now || accountIds.some((id) => !now.access.has(id))) end();
        },
        // The database did not answer: keep the stream; the next change checks again.
        (err: unknown) => deps.logger.warn({ err }, 'event source: credentials not checked again'),
      );
    });
    write(': jmap event source\n\n');
    if (session.catchUp) sendState(session.catchUp);
    session.flush();
    schedulePing();
  };
  app.get('/jmap/eventsource', stream);
  app.get('/jmap/eventsource/', stream);

  // A ticket for clients that cannot send an Authorization header with their EventSource request.
  app.post('/jmap/eventsource-token', async (req, reply) => {
    reply.header('x-request-id', requestIdOf(req));
    reply.header('cache-control', 'no-store');
    const who = await deps.auth.authenticate(req, reply);
    if (!who) return reply;
    const { token, expires } = await deps.tokens.issue(who.principal, deps.config.tokenTtlSeconds);
    return reply
      .code(201)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ token, expires: expires.toISOString() }));
  });
}
