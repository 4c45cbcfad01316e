/** Small HTTP helpers shared by the gateway's routes. */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestError } from '@jmap/protocol';

/** The request id: the client's X-Request-Id when sane, else a new UUID; echoed in the response. */
export function requestIdOf(req: FastifyRequest): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function sendProblem(reply: FastifyReply, status: number, problem: Record<string, unknown>): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/problem+json')
    .header('cache-control', 'no-store')
    .send(JSON.stringify({ status, ...problem }));
}

export function sendRequestError(reply: FastifyReply, err: RequestError): FastifyReply {
  return sendProblem(reply, err.status, err.toProblem());
}

/** The base URL clients use to reach us (PUBLIC_URL, else the request's scheme and Host). */
export function baseUrlOf(req: FastifyRequest, publicUrl: string | null): string {
  if (publicUrl) return publicUrl;
  return `${req.protocol}://${req.host}`;
}

export const WWW_AUTHENTICATE = 'Basic realm="jmap", charset="UTF-8", Bearer realm="jmap"';
