/**
 * GET /.well-known/jmap redirects to /jmap/session (RFC 8620 section 2.2), which serves the Session object to
 * an authenticated principal.
 */
import type { FastifyInstance } from 'fastify';
import type { CapabilityRegistry } from './capability.registry.js';
import type { GatewayConfig } from './gateway-config.js';
import { baseUrlOf, requestIdOf } from './http-support.js';
import type { RequestAuth } from './request-auth.js';
import { buildSession } from './session.js';

export function registerSessionRoutes(
  app: FastifyInstance,
  deps: { config: GatewayConfig; auth: RequestAuth; capabilities: CapabilityRegistry },
): void {
  app.get('/.well-known/jmap', async (req, reply) => {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return reply.code(307).header('location', `${baseUrlOf(req, deps.config.publicUrl)}/jmap/session${query}`).send();
  });
  app.get('/jmap/session', async (req, reply) => {
    reply.header('x-request-id', requestIdOf(req));
    reply.header('cache-control', 'no-cache, no-store, must-revalidate');
    // Read, not remembered (ADR 0011): clients fetch the Session to learn about accounts shared with them.
    const authed = await deps.auth.authenticate(req, reply, { fresh: true });
    if (!authed) return reply;
    const session = buildSession(authed.principal, authed.accounts, deps.capabilities, baseUrlOf(req, deps.config.publicUrl));
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(session));
  });
}
