/**
 * Reads of the identity read model: for the gateway's Identity methods, the identity handlers' decider state and
 * the submission service (which identities exist, with which address).
 */
import { typeState } from '@jmap/event-store';
import type { Identity, IdentityAddress } from '@jmap/identity-contracts';
import type { IdentityState } from '@jmap/identity-domain';
import type { Queryable } from '@jmap/platform';
import { IDENTITY_TYPE } from './identity.projection.js';

interface Raw {
  id: string;
  name: string;
  email: string;
  reply_to: IdentityAddress[] | null;
  bcc: IdentityAddress[] | null;
  text_signature: string;
  html_signature: string;
  may_delete: boolean;
}

const toIdentity = (r: Raw): Identity => ({
  id: r.id,
  name: r.name,
  email: r.email,
  replyTo: r.reply_to,
  bcc: r.bcc,
  textSignature: r.text_signature,
  htmlSignature: r.html_signature,
  mayDelete: r.may_delete,
});

const SELECT = `SELECT id, name, email, reply_to, bcc, text_signature, html_signature, may_delete FROM identities`;

export async function listIdentities(db: Queryable, accountId: string): Promise<Identity[]> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map(toIdentity);
}

export async function identitiesByIds(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
): Promise<Identity[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Raw>(`${SELECT} WHERE account_id = $1 AND id = ANY($2::text[])`, [
    accountId,
    [...ids],
  ]);
  return rows.map(toIdentity);
}

/**
 * The identities among `ids` by id (the submission service's IdentityDirectory port: EmailSubmission/set
 * checks the identity exists and that the envelope's MAIL FROM is its address).
 */
export async function identityMap(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
): Promise<Map<string, Identity>> {
  return new Map((await identitiesByIds(db, accountId, ids)).map((i) => [i.id, i]));
}

export function identityState(db: Queryable, accountId: string): Promise<number> {
  return typeState(db, accountId, IDENTITY_TYPE);
}

/** The addresses (lowercase) that deliver into the account: the ones it may send from. */
export async function accountAddresses(db: Queryable, accountId: string): Promise<string[]> {
  const { rows } = await db.query<{ address: string }>(
    'SELECT address FROM account_addresses WHERE account_id = $1 ORDER BY address',
    [accountId],
  );
  return rows.map((r) => r.address.toLowerCase());
}

/** The account's own address (its name when that is one of its addresses, else the first one), or null. */
export async function primaryAddress(db: Queryable, accountId: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM accounts WHERE id = $1', [accountId]);
  const addresses = await accountAddresses(db, accountId);
  const name = rows[0]?.name?.toLowerCase();
  return name && addresses.includes(name) ? name : (addresses[0] ?? null);
}

/** The From name of the default identity: the name of the account's owner ("" when none). */
export async function ownerName(db: Queryable, accountId: string): Promise<string> {
  const { rows } = await db.query<{ name: string | null }>(
    `SELECT p.name FROM accounts a LEFT JOIN principals p ON p.id = a.owner_principal_id WHERE a.id = $1`,
    [accountId],
  );
  return rows[0]?.name ?? '';
}

/** The decider's view of the account, read inside the command's transaction (after the account lock). */
export async function loadIdentityState(db: Queryable, accountId: string): Promise<IdentityState> {
  const state = await identityState(db, accountId);
  const identities = new Map((await listIdentities(db, accountId)).map((i) => [i.id, i]));
  return { state: String(state), identities, addresses: new Set(await accountAddresses(db, accountId)) };
}
