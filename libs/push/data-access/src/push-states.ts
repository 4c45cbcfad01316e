/**
 * Current type states of accounts for push catch-up: what an EventSource id or WebSocket pushState is compared
 * with on reconnect, and the baseline a new connection starts from. One indexed max() per (account, type).
 */
import { typeStates } from '@jmap/event-store';
import type { Queryable } from '@jmap/platform';
import type { AccountStates } from '@jmap/push-domain';

export async function currentStates(db: Queryable, accountIds: readonly string[], types: readonly string[]): Promise<AccountStates> {
  const out: AccountStates = {};
  for (const accountId of accountIds) out[accountId] = await typeStates(db, accountId, types);
  return out;
}
