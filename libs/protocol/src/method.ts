/**
 * Methods and the context they run in. One class per method (STYLE.md convention 5): its name, the capability
 * it needs in `using`, and `handle`, which returns the response arguments or throws a MethodError. The
 * dispatcher resolves result references, checks the capability and catches errors, so methods only do their job.
 */
import { MethodError } from './errors.js';

export interface AccountAccess {
  readonly accountId: string;
  readonly name: string;
  readonly isPersonal: boolean;
  readonly isReadOnly: boolean;
  /** Capability URNs this account supports (its accountCapabilities keys). */
  readonly capabilities: ReadonlySet<string>;
}

export interface Principal {
  readonly id: string;
  readonly username: string;
}

/** Per-request state shared by the calls of one request. */
export interface MethodContext {
  readonly requestId: string;
  readonly principal: Principal;
  readonly accounts: ReadonlyMap<string, AccountAccess>;
  readonly using: ReadonlySet<string>;
  /** Creation id → server id, shared across the calls of the request (RFC 8620 section 3.3). */
  readonly createdIds: Map<string, string>;
  /** The call id of the method being processed. */
  callId: string;
  /** Adds a response after the current one with the same call id (implicit calls, e.g. Email/copy's Email/set). */
  addResponse(name: string, args: Record<string, unknown>): void;
  /** Request-scoped values methods may share (e.g. caches). */
  readonly locals: Map<string, unknown>;
}

export type MethodResponseArgs = Record<string, unknown>;

export interface JmapMethod {
  readonly name: string;
  readonly capability: string;
  handle(args: Record<string, unknown>, ctx: MethodContext): Promise<MethodResponseArgs>;
}

/**
 * Resolves `accountId` to an account the principal may use for a method of `capability` (RFC 8620 section
 * 3.6.2): unknown or not accessible → accountNotFound (another account's existence is not revealed, invariant
 * 7); lacking the capability → accountNotSupportedByMethod; a write to a read-only account → accountReadOnly.
 */
export function requireAccount(
  ctx: Pick<MethodContext, 'accounts'>,
  accountId: unknown,
  capability: string,
  options: { write?: boolean; argName?: string } = {},
): AccountAccess {
  const argName = options.argName ?? 'accountId';
  const from = argName === 'fromAccountId';
  if (typeof accountId !== 'string') throw new MethodError('invalidArguments', `"${argName}" must be an Id.`);
  const account = ctx.accounts.get(accountId);
  if (!account) throw new MethodError(from ? 'fromAccountNotFound' : 'accountNotFound');
  if (!account.capabilities.has(capability)) {
    throw new MethodError(from ? 'fromAccountNotSupportedByMethod' : 'accountNotSupportedByMethod');
  }
  if (options.write && account.isReadOnly) throw new MethodError('accountReadOnly');
  return account;
}

export class MethodRegistry {
  private readonly methods = new Map<string, JmapMethod>();

  register(...methods: JmapMethod[]): this {
    for (const m of methods) {
      if (this.methods.has(m.name)) throw new Error(`method ${m.name} registered twice`);
      this.methods.set(m.name, m);
    }
    return this;
  }

  get(name: string): JmapMethod | undefined {
    return this.methods.get(name);
  }

  names(): string[] {
    return [...this.methods.keys()].sort();
  }
}
