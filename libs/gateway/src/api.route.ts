/**
 * The API endpoint (RFC 8620 section 3): POST a Request, get a Response. Request-level failures are
 * problem+json with HTTP 400 (415 for a body that is not JSON by its Content-Type, rfc-clarifications Q2);
 * method-level failures are inside the 200 response. maxConcurrentRequests is enforced per principal.
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
import type { GatewayConfig } from './gateway-config.js';
import { requestIdOf, sendRequestError } from './http-support.js';
import type { RequestAuth } from './request-auth.js';
import { buildSession } from './session.js';
import { baseUrlOf } from './http-support.js';

export interface ApiRouteDeps {
  config: GatewayConfig;
  auth: RequestAuth;
  methods: MethodRegistry;
  capabilities: CapabilityRegistry;
  metrics: Metrics;
  logger: Logger;
}

export function registerApiRoute(app: FastifyInstance, deps: ApiRouteDeps): void {
  const inFlight = new Map<string, number>();
  const calls = deps.metrics.counter('jmap_method_calls_total', 'JMAP method calls, by method and outcome', ['method', 'outcome']);
  const duration = deps.metrics.histogram('jmap_method_duration_seconds', 'JMAP method call duration', ['method']);
  const requests = deps.metrics.counter('jmap_api_requests_total', 'JMAP API requests, by HTTP status', ['status']);

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const requestId = requestIdOf(req);
    reply.header('x-request-id', requestId);
    reply.header('cache-control', 'no-store');
    return withLogContext({ requestId }, async () => {
      const authed = await deps.auth.authenticate(req, reply);
      if (!authed) {
        requests.inc({ status: String(reply.statusCode) });
        return reply;
      }
      const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
      if (contentType !== 'application/json') {
        requests.inc({ status: '415' });
        return sendRequestError(reply, new RequestError('notJSON', `The request body must be application/json, not ${contentType}.`, 415));
      }
      const principalId = authed.principal.id;
      const running = inFlight.get(principalId) ?? 0;
      if (running >= deps.config.core.maxConcurrentRequests) {
        requests.inc({ status: '400' });
        return sendRequestError(
          reply,
          limitError('maxConcurrentRequests', `At most ${deps.config.core.maxConcurrentRequests} requests at once per user.`),
        );
      }
      inFlight.set(principalId, running + 1);
      try {
        const body = req.body as Buffer | undefined;
        const request = validateRequest(parseRequestBody(body ?? Buffer.alloc(0)), {
          knownCapabilities: deps.capabilities.urns,
          maxCallsInRequest: deps.config.core.maxCallsInRequest,
        });
        const result = await dispatch(deps.methods, request, {
          requestId,
          principal: { id: principalId, username: authed.principal.email },
          accounts: authed.access,
          onServerError: (err, method) => deps.logger.error({ err, method }, 'method failed'),
          onMethodDone: (method, outcome, seconds) => {
            calls.inc({ method, outcome });
            duration.observe({ method }, seconds);
          },
        });
        const session = buildSession(authed.principal, authed.accounts, deps.capabilities, baseUrlOf(req, deps.config.publicUrl));
        const response: Record<string, unknown> = { methodResponses: result.methodResponses, sessionState: session.state };
        if (request.createdIds !== undefined) response.createdIds = Object.fromEntries(result.createdIds);
        requests.inc({ status: '200' });
        return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(response));
      } catch (err) {
        if (err instanceof RequestError) {
          requests.inc({ status: String(err.status) });
          deps.logger.info({ type: err.type, detail: err.detail }, 'request rejected');
          return sendRequestError(reply, err);
        }
        throw err;
      } finally {
        const n = (inFlight.get(principalId) ?? 1) - 1;
        if (n <= 0) inFlight.delete(principalId);
        else inFlight.set(principalId, n);
      }
    });
  };
  app.post('/jmap/api', handler);
  app.post('/jmap/api/', handler);
}
