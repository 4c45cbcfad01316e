/**
 * What the upload and download routes check when the headers arrive: the credentials (401/429), and that the
 * principal may use the account in the URL. An account the principal cannot use answers exactly like a blob
 * that does not exist (404), so a stranger learns nothing about another account (invariant 7).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestIdOf, sendProblem, type RequestAuth } from '@jmap/gateway';
import type { AccountAccess } from '@jmap/protocol';

export const NOT_FOUND = {
  type: 'about:blank',
  title: 'Not Found',
  detail: 'No such blob in this account.',
} as const;

export function sendNotFound(reply: FastifyReply): FastifyReply {
  return sendProblem(reply, 404, NOT_FOUND);
}

/** The account named in the URL, or null after sending the 401, 429 or 404 answer. */
export async function accountForRequest(
  req: FastifyRequest,
  reply: FastifyReply,
  auth: RequestAuth,
): Promise<AccountAccess | null> {
  reply.header('x-request-id', requestIdOf(req));
  let authed = await auth.authenticate(req, reply);
  if (!authed) return null;
  const { accountId } = req.params as { accountId: string };
  if (authed.fromMemory && !authed.access.has(accountId)) {
    // Perhaps shared a moment ago: read before answering 404 (ADR 0011).
    authed = await auth.authenticate(req, reply, { fresh: true });
    if (!authed) return null;
  }
  const account = authed.access.get(accountId);
  if (!account) {
    sendNotFound(reply);
    return null;
  }
  return account;
}
