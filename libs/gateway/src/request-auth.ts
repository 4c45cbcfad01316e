/**
 * Authenticates an HTTP request and loads what the principal may use: 401 with WWW-Authenticate when the
 * credentials are missing or wrong, 429 with Retry-After when failed attempts exceeded the limit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {
  AccessChanges,
  AccountRecord,
  AccountsRepository,
  AuthenticateOptions,
  Authenticator,
  PrincipalRecord,
} from '@jmap/accounts';
import { CORE, type AccountAccess } from '@jmap/protocol';
import type { CapabilityRegistry } from './capability.registry.js';
import { sendProblem, WWW_AUTHENTICATE } from './http-support.js';

export interface AuthedRequest {
  principal: PrincipalRecord;
  accounts: AccountRecord[];
  access: Map<string, AccountAccess>;
  /**
   * The principal and accounts were remembered, not read for this request (ADR 0011): a route that finds an
   * account missing reads them again with `{ fresh: true }` before answering that it does not exist, so a share
   * made a moment ago (its notification still on the way) is not refused.
   */
  fromMemory: boolean;
}

export class RequestAuth {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly repo: AccountsRepository,
    private readonly capabilities: CapabilityRegistry,
    private readonly changes: AccessChanges | null = null,
  ) {}

  /**
   * For a connection that stays open (EventSource, WebSocket): calls `listener` when a change concerning the
   * principal may have happened (ADR 0011), so the connection checks its credentials and accounts again; returns
   * the way to stop. Without AccessChanges (AUTH_ACCESS_LISTEN=false) it is never called.
   */
  watch(principalId: string, listener: () => void): () => void {
    return this.changes?.watch(principalId, listener) ?? (() => undefined);
  }

  /** Resolves the principal or sends the 401/429 answer and returns null. */
  async authenticate(
    req: FastifyRequest,
    reply: FastifyReply,
    options?: AuthenticateOptions,
  ): Promise<AuthedRequest | null> {
    const result = await this.authenticator.authenticate(req.headers.authorization, req.ip, options);
    if (!result.ok) {
      if (result.status === 429) {
        reply.header('retry-after', String(result.retryAfterSeconds ?? 60));
        sendProblem(reply, 429, { type: 'about:blank', title: 'Too Many Requests', detail: result.reason });
      } else {
        reply.header('www-authenticate', WWW_AUTHENTICATE);
        sendProblem(reply, 401, { type: 'about:blank', title: 'Unauthorized', detail: result.reason });
      }
      return null;
    }
    return this.load(result.principal, result.accounts, result.fromMemory);
  }

  /**
   * The same check for a connection that outlives its handshake (a WebSocket), on the handshake's credentials and
   * address, without an HTTP answer: null when they are no longer accepted (401 or 429 on a new request).
   */
  async recheck(
    authorization: string | undefined,
    clientAddress: string,
    options?: AuthenticateOptions,
  ): Promise<AuthedRequest | null> {
    const result = await this.authenticator.authenticate(authorization, clientAddress, options);
    return result.ok ? this.load(result.principal, result.accounts, result.fromMemory) : null;
  }

  /** What a principal authenticated some other way (e.g. an EventSource ticket) may use; null when it is gone or disabled. */
  async loadById(principalId: string): Promise<AuthedRequest | null> {
    const principal = await this.repo.principalById(principalId);
    return principal && !principal.disabled ? this.load(principal) : null;
  }

  private async load(
    principal: PrincipalRecord,
    known?: AccountRecord[],
    fromMemory = false,
  ): Promise<AuthedRequest> {
    const accounts = known ?? (await this.repo.accessibleAccounts(principal.id));
    const access = new Map<string, AccountAccess>();
    for (const a of accounts) {
      const caps = new Set([CORE, ...Object.keys(this.capabilities.accountCapabilities(a))]);
      access.set(a.accountId, {
        accountId: a.accountId,
        name: a.name,
        isPersonal: a.isPersonal,
        isReadOnly: a.isReadOnly,
        capabilities: caps,
      });
    }
    return { principal, accounts, access, fromMemory };
  }
}

/** Whether a method call of a (not yet validated) Request names an account that `who` does not list. */
export function namesUnknownAccount(request: unknown, who: AuthedRequest): boolean {
  const calls = (request as { methodCalls?: unknown } | null)?.methodCalls;
  if (!Array.isArray(calls)) return false;
  for (const call of calls) {
    const args: unknown = Array.isArray(call) ? call[1] : undefined;
    if (args === null || typeof args !== 'object') continue;
    for (const name of ['accountId', 'fromAccountId']) {
      const id = (args as Record<string, unknown>)[name];
      if (typeof id === 'string' && !who.access.has(id)) return true;
    }
  }
  return false;
}
