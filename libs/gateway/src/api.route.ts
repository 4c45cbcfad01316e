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
import { withLogContext } from '@jmap/platform';
import {
  dispatch,
  limitError,
  parseRequestBody,
  RequestError,
  validateRequest,
  type MethodRegistry,
} from '@jmap/protocol';
import type { CapabilityRegistry } from './capability.registry.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import type { GatewayConfig } from './gateway-config.js';
import { baseUrlOf, requestIdOf, sendRequestError } from './http-support.js';
import type { AuthedRequest, RequestAuth } from './request-auth.js';
import { buildSession } from './session.js';

export interface ApiRouteDeps {
  config: GatewayConfig;
  auth: RequestAuth;
  methods: MethodRegistry;
  capabilities: CapabilityRegistry;
  metrics: Metrics;
  logger: Logger;
}

export function registerApiRoute(app: FastifyInstance, deps: ApiRouteDeps): void {
  const limiter = new ConcurrencyLimiter(deps.config.core.maxConcurrentRequests);
  deps.metrics.gauge('jmap_api_requests_in_flight', 'API requests this gateway is processing now', [], function () {
    this.set(limiter.total);
  });
  const authed = new WeakMap<FastifyRequest, AuthedRequest>();
  const calls = deps.metrics.counter('jmap_method_calls_total', 'JMAP method calls, by method and outcome', ['method', 'outcome']);
  const duration = deps.metrics.histogram('jmap_method_duration_seconds', 'JMAP method call duration', ['method']);
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
    const who = authed.get(req)!;
    const requestId = String(reply.getHeader('x-request-id'));
    return withLogContext({ requestId }, async () => {
      try {
        const body = req.body as Buffer | undefined;
        const request = validateRequest(parseRequestBody(body ?? Buffer.alloc(0)), {
          knownCapabilities: deps.capabilities.urns,
          maxCallsInRequest: deps.config.core.maxCallsInRequest,
        });
        const result = await dispatch(deps.methods, request, {
          requestId,
          principal: { id: who.principal.id, username: who.principal.email },
          accounts: who.access,
          onServerError: (err, method) => deps.logger.error({ err, method }, 'method failed'),
          onMethodDone: (method, outcome, seconds) => {
            calls.inc({ method, outcome });
            duration.observe({ method }, seconds);
          },
        });
        const session = buildSession(who.principal, who.accounts, deps.capabilities, baseUrlOf(req, deps.config.publicUrl));
        const response: Record<string, unknown> = { methodResponses: result.methodResponses, sessionState: session.state };
        if (request.createdIds !== undefined) response.createdIds = Object.fromEntries(result.createdIds);
        return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(response));
      } catch (err) {
        if (err instanceof RequestError) {
          deps.logger.info({ type: err.type, detail: err.detail }, 'request rejected');
          return sendRequestError(reply, err);
        }
        throw err;
      }
    });
  };
  app.post('/jmap/api', { onRequest }, handler);
  app.post('/jmap/api/', { onRequest }, handler);
}
