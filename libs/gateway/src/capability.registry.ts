/**
 * Capabilities advertised in the Session (RFC 8620 section 2): each data-type feature registers its URN, its
 * server-wide capability object and, per account, its account capability object. A method may only be called
 * when its capability is in `using` and, for account methods, when the account has that capability.
 */
import type { AccountRecord } from '@jmap/accounts';

export interface CapabilityProvider {
  readonly urn: string;
  session(): Record<string, unknown>;
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

  sessionCapabilities(): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.providers.values()].map((p) => [p.urn, p.session()]));
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
