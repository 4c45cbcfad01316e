/**
 * The Session resource (RFC 8620 section 2): capabilities with every limit, the accounts the principal may use
 * with their account capabilities, primaryAccounts, username, absolute URL templates and a state that changes
 * whenever any of this changes (a hash of the rest of the object).
 */
import { createHash } from 'node:crypto';
import type { AccountRecord, PrincipalRecord } from '@jmap/accounts';
import { CORE } from '@jmap/protocol';
import type { CapabilityRegistry } from './capability.registry.js';

export interface SessionObject {
  capabilities: Record<string, Record<string, unknown>>;
  accounts: Record<string, { name: string; isPersonal: boolean; isReadOnly: boolean; accountCapabilities: Record<string, unknown> }>;
  primaryAccounts: Record<string, string>;
  username: string;
  apiUrl: string;
  downloadUrl: string;
  uploadUrl: string;
  eventSourceUrl: string;
  state: string;
}

export function buildSession(
  principal: PrincipalRecord,
  accounts: readonly AccountRecord[],
  capabilities: CapabilityRegistry,
  baseUrl: string,
): SessionObject {
  const accountObjects: SessionObject['accounts'] = {};
  const primaryAccounts: Record<string, string> = {};
  const personal = accounts.find((a) => a.isPersonal) ?? accounts[0];
  for (const account of accounts) {
    const accountCapabilities = capabilities.accountCapabilities(account);
    accountObjects[account.accountId] = {
      name: account.name,
      isPersonal: account.isPersonal,
      isReadOnly: account.isReadOnly,
      accountCapabilities,
    };
    // "urn:ietf:params:jmap:core SHOULD NOT be present" in primaryAccounts (RFC 8620 section 2).
    if (account === personal) for (const urn of Object.keys(accountCapabilities)) if (urn !== CORE) primaryAccounts[urn] = account.accountId;
  }
  const withoutState = {
    capabilities: capabilities.sessionCapabilities(baseUrl),
    accounts: accountObjects,
    primaryAccounts,
    username: principal.email,
    apiUrl: `${baseUrl}/jmap/api/`,
    downloadUrl: `${baseUrl}/jmap/download/{accountId}/{blobId}/{name}?type={type}`,
    uploadUrl: `${baseUrl}/jmap/upload/{accountId}/`,
    eventSourceUrl: `${baseUrl}/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}`,
  };
  // Capability URLs (RFC 8887's) depend on the host like the other URLs: the state hashes them host-free.
  return { ...withoutState, state: sessionState({ ...withoutState, capabilities: capabilities.sessionCapabilities() }) };
}

/** Changes whenever capabilities or accounts change; the URLs are left out so every host sees the same state. */
export function sessionState(session: Omit<SessionObject, 'state'>): string {
  const { capabilities, accounts, primaryAccounts, username } = session;
  return createHash('sha256').update(JSON.stringify({ capabilities, accounts, primaryAccounts, username })).digest('base64url').slice(0, 16);
}
