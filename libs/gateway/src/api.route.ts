/**
 * The API endpoint (RFC 8620 section 3): POST a Request, get a Response. Request-level failures are
 * problem+json with HTTP 400 (415 for a body that is not JSON by its Content-Type, rfc-clarifications Q2);
 * method-level failures are inside the 200 response.
 *
 * Authentication, the Content-Type check and maxConcurrentRequests run when the headers arrive, before the body
 * is read: an unauthenticated client cannot make the server buffer maxSizeRequest octets, and a request whose
 * body is still arriving already counts as in flight.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, Metrics } from '@jmap/platform';
import { limitError, parseRequestBody, RequestError } from '@jmap/protocol';
import { baseUrlOf, requestIdOf, sendRequestError } from './http-support.js';
import { namesUnknownAccount, type AuthedRequest, type RequestAuth } from './request-auth.js';
import type { RequestProcessor } from './request-processor.js';

export interface ApiRouteDeps {
  auth: RequestAuth;
  processor: RequestProcessor;
  publicUrl: string | null;
  metrics: Metrics;
  logger: Logger;
}

export function registerApiRoute(app: FastifyInstance, deps: ApiRouteDeps): void {
  const limiter = deps.processor.limiter;
  const authed = new WeakMap<FastifyRequest, AuthedRequest>();
  const requests = deps.metrics.counter('jmap_api_requests_total', 'JMAP API requests, by HTTP status', ['status']);

  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.raw.once('finish', () => requests.inc({ status: String(reply.statusCode) }));
    reply.header('x-request-id', requestIdOf(req));
    reply.header('cache-control', 'no-store');
    const who = await deps.auth.authenticate(req, reply);
    if (!who) return reply;
    const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/json') {
      return sendRequestError(reply, new RequestError('notJSON', `The request body must be application/json, not ${contentType}.`, 415));
    }
    if (!limiter.acquireFor(who.principal.id, reply)) {
      deps.logger.info({ principalId: who.principal.id }, 'maxConcurrentRequests reached');
      return sendRequestError(reply, limitError('maxConcurrentRequests', `At most ${limiter.max} requests at once per user.`));
    }
    authed.set(req, who);
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    let who = authed.get(req)!;
    const requestId = String(reply.getHeader('x-request-id'));
    try {
      const body = req.body as Buffer | undefined;
      const value = parseRequestBody(body ?? Buffer.alloc(0));
      if (who.fromMemory && namesUnknownAccount(value, who)) {
        const fresh = await deps.auth.authenticate(req, reply, { fresh: true });
        if (!fresh) return reply;
        who = fresh;
      }
      const response = await deps.processor.process(value, who, requestId, baseUrlOf(req, deps.publicUrl));
      return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(response));
    } catch (err) {
      if (err instanceof RequestError) {
        deps.logger.info({ requestId, type: err.type, detail: err.detail }, 'request rejected');
        return sendRequestError(reply, err);
      }
      throw err;
    }
  };
  app.post('/jmap/api', { onRequest }, handler);
  app.post('/jmap/api/', { onRequest }, handler);
}
