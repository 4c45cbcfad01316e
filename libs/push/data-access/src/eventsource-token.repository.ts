/**
 * Tickets for EventSource clients that cannot send an Authorization header (a browser's EventSource): a random
 * token handed to an authenticated client, presented as `?token=` on the event-source URL. Only its SHA-256 is
 * stored; it stays valid until it expires (so the browser's automatic reconnects work) and dies with a change of
 * the principal's credentials.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '@jmap/platform';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class EventSourceTokenRepository {
  constructor(private readonly db: Queryable) {}

  async issue(principal: { id: string; credentialsVersion: number }, ttlSeconds: number): Promise<{ token: string; expires: Date }> {
    const token = `es_${randomBytes(24).toString('base64url')}`;
    const expires = new Date(Date.now() + ttlSeconds * 1000);
    await this.db.query(
      'INSERT INTO eventsource_tokens (token_hash, principal_id, credentials_version, expires_at) VALUES ($1, $2, $3, $4)',
      [hash(token), principal.id, principal.credentialsVersion, expires],
    );
    // Expired tickets are swept now and then by whoever issues new ones.
    if (Math.random() < 0.05) await this.db.query('DELETE FROM eventsource_tokens WHERE expires_at < now()').catch(() => undefined);
    return { token, expires };
  }

  /** The principal id a live ticket belongs to, or null (unknown, expired, credentials changed, disabled). */
  async principalOf(token: string): Promise<string | null> {
    if (!/^es_[A-Za-z0-9_-]{32}$/.test(token)) return null;
    const { rows } = await this.db.query<{ principal_id: string }>(
      `SELECT t.principal_id FROM eventsource_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE t.token_hash = $1 AND t.expires_at > now() AND t.credentials_version = p.credentials_version AND NOT p.disabled`,
      [hash(token)],
    );
    return rows[0]?.principal_id ?? null;
  }
}
