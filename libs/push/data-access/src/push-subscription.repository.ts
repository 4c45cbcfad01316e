/**
 * PushSubscriptions in PostgreSQL (migrations/0030_push.sql): per principal, read and written by the gateway's
 * PushSubscription methods, read by the push service to deliver StateChanges.
 */
import type { Queryable } from '@jmap/platform';
import type { PushSubscriptionCreate, PushSubscriptionRecord, PushSubscriptionUpdate, TypeStates } from '@jmap/push-domain';

interface Raw {
  id: string;
  device_client_id: string;
  url: string;
  p256dh: string | null;
  auth: string | null;
  verification_code: string;
  verified: boolean;
  expires_at: Date;
  types: string[] | null;
}

const COLUMNS = 'id, device_client_id, url, p256dh, auth, verification_code, verified, expires_at, types';

const toRecord = (r: Raw): PushSubscriptionRecord => ({
  id: r.id,
  deviceClientId: r.device_client_id,
  url: r.url,
  keys: r.p256dh && r.auth ? { p256dh: r.p256dh, auth: r.auth } : null,
  verificationCode: r.verification_code,
  verified: r.verified,
  expires: r.expires_at,
  types: r.types,
});

/** A subscription the push service may deliver to, with what it already sent for the account in question. */
export interface DeliveryTarget extends PushSubscriptionRecord {
  /** States already POSTed for the account (to drop a StateChange computed twice). */
  sent: TypeStates;
}

export class PushSubscriptionRepository {
  constructor(private readonly db: Queryable) {}

  /** The principal's subscriptions that have not expired (expired ones are deleted on the way). */
  async list(principalId: string, ids: readonly string[] | null): Promise<PushSubscriptionRecord[]> {
    await this.db.query('DELETE FROM push_subscriptions WHERE principal_id = $1 AND expires_at <= now()', [principalId]);
    const { rows } = await this.db.query<Raw>(
      `SELECT ${COLUMNS} FROM push_subscriptions WHERE principal_id = $1 AND ($2::text[] IS NULL OR id = ANY($2)) ORDER BY created_at, id`,
      [principalId, ids],
    );
    return rows.map(toRecord);
  }

  async count(principalId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM push_subscriptions WHERE principal_id = $1 AND expires_at > now()',
      [principalId],
    );
    return rows[0].n;
  }

  async insert(
    id: string,
    principal: { id: string; credentialsVersion: number },
    create: PushSubscriptionCreate,
    verificationCode: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO push_subscriptions (id, principal_id, credentials_version, device_client_id, url, p256dh, auth, verification_code, expires_at, types)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, principal.id, principal.credentialsVersion, create.deviceClientId, create.url, create.keys?.p256dh ?? null, create.keys?.auth ?? null, verificationCode, create.expires, create.types],
    );
  }

  async update(principalId: string, id: string, update: PushSubscriptionUpdate): Promise<void> {
    await this.db.query(
      `UPDATE push_subscriptions
          SET verified = verified OR $3, expires_at = COALESCE($4, expires_at),
              types = CASE WHEN $5 THEN $6::text[] ELSE types END
        WHERE principal_id = $1 AND id = $2`,
      [principalId, id, update.verified ?? false, update.expires ?? null, 'types' in update, update.types ?? null],
    );
  }

  /** Deletes the row, which erases the URL and keys (RFC 8620 section 7.2). */
  async destroy(principalId: string, ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      'DELETE FROM push_subscriptions WHERE principal_id = $1 AND id = ANY($2) RETURNING id',
      [principalId, ids],
    );
    return rows.map((r) => r.id);
  }

  /** One subscription by id (for the verification push), whoever owns it. */
  async byId(id: string): Promise<PushSubscriptionRecord | null> {
    const { rows } = await this.db.query<Raw>(`SELECT ${COLUMNS} FROM push_subscriptions WHERE id = $1 AND expires_at > now()`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Verified, unexpired subscriptions of every principal that may access the account and still holds the
   * credentials that created them. Subscriptions whose credentials changed are deleted (section 7.2: they
   * MUST be destroyed when the credentials are revoked).
   */
  async targetsFor(accountId: string): Promise<DeliveryTarget[]> {
    await this.db.query(
      `DELETE FROM push_subscriptions s USING principals p
        WHERE s.principal_id = p.id AND (s.credentials_version <> p.credentials_version OR p.disabled OR s.expires_at <= now())
          AND s.principal_id IN (SELECT principal_id FROM account_access WHERE account_id = $1)`,
      [accountId],
    );
    const { rows } = await this.db.query<Raw & { sent: TypeStates | null }>(
      `SELECT ${COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}, s.sent_states -> $1::text AS sent
         FROM push_subscriptions s JOIN account_access x ON x.principal_id = s.principal_id
        WHERE x.account_id = $1 AND s.verified AND s.expires_at > now()`,
      [accountId],
    );
    return rows.map((r) => ({ ...toRecord(r), sent: r.sent ?? {} }));
  }

  /** Records a delivered StateChange: the states sent for the account, and no failures in a row. */
  async recordSent(id: string, accountId: string, states: TypeStates): Promise<void> {
    await this.db.query(
      `UPDATE push_subscriptions
          SET sent_states = jsonb_set(sent_states, ARRAY[$2::text], COALESCE(sent_states -> $2::text, '{}'::jsonb) || $3::jsonb),
              consecutive_failures = 0
        WHERE id = $1`,
      [id, accountId, JSON.stringify(states)],
    );
  }

  /** Counts a failed message; deletes the subscription once `limit` failed in a row. True when deleted. */
  async recordFailure(id: string, limit: number): Promise<boolean> {
    const { rows } = await this.db.query<{ n: number }>(
      'UPDATE push_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 RETURNING consecutive_failures AS n',
      [id],
    );
    if (rows[0] && rows[0].n >= limit) {
      await this.remove(id);
      return true;
    }
    return false;
  }

  /** Deletes a subscription the push service gave up on (gone at the push service, or failing). */
  async remove(id: string): Promise<void> {
    await this.db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
  }
}
