/**
 * Capabilities advertised in the Session (RFC 8620 section 2): each data-type feature registers its URN, its
 * server-wide capability object and, per account, its account capability object. A method may only be called
 * when its capability is in `using` and, for account methods, when the account has that capability.
 */
import type { AccountRecord } from '@jmap/accounts';

export interface CapabilityProvider {
  readonly urn: string;
  /** The Session's capability object; `baseUrl` is where clients reach this server (for URLs such as RFC 8887's). */
  session(baseUrl: string): Record<string, unknown>;
  /** The accountCapabilities value for this account, or null when the account lacks the capability. */
  account?(account: AccountRecord): Record<string, unknown> | null;
}

export class CapabilityRegistry {
  private readonly providers = new Map<string, CapabilityProvider>();

  register(provider: CapabilityProvider): this {
    this.providers.set(provider.urn, provider);
    return this;
  }

  get urns(): ReadonlySet<string> {
    return new Set(this.providers.keys());
  }

  sessionCapabilities(baseUrl = ''): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.providers.values()].map((p) => [p.urn, p.session(baseUrl)]));
  }

  accountCapabilities(account: AccountRecord): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of this.providers.values()) {
      const value = p.account?.(account);
      if (value) out[p.urn] = value;
    }
    return out;
  }
}
