/**
 * Inline projection of Identity events into the `identities` table and the Identity change log.
 */
import type { ChangeRecorder, Projection, StoredEvent } from '@jmap/event-store';
import { isIdentityEvent } from '@jmap/identity-contracts';
import type { PoolClient } from '@jmap/platform';

export const IDENTITY_TYPE = 'Identity';

const COLUMNS: Record<string, { column: string; json?: boolean }> = {
  name: { column: 'name' },
  replyTo: { column: 'reply_to', json: true },
  bcc: { column: 'bcc', json: true },
  textSignature: { column: 'text_signature' },
  htmlSignature: { column: 'html_signature' },
};

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export const identityProjection: Projection = {
  name: 'identities',
  mode: 'inline',
  tables: [{ table: 'identities', key: ['id'] }],
  async apply(tx: PoolClient, stored: StoredEvent, changes: ChangeRecorder): Promise<void> {
    const e = stored.event;
    if (!isIdentityEvent(e)) return;
    const accountId = stored.accountId;
    switch (e.type) {
      case 'IdentityCreated': {
        const d = e.data;
        await tx.query(
          `INSERT INTO identities (account_id, id, name, email, reply_to, bcc, text_signature, html_signature, may_delete)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            accountId,
            d.id,
            d.name,
            d.email,
            json(d.replyTo),
            json(d.bcc),
            d.textSignature,
            d.htmlSignature,
            d.mayDelete,
          ],
        );
        changes.record(IDENTITY_TYPE, d.id, 'c');
        return;
      }
      case 'IdentityUpdated': {
        const entries = Object.entries(e.data.changes).filter(([k]) => k in COLUMNS);
        if (entries.length > 0) {
          const sets = entries.map(([k], i) => `${COLUMNS[k].column} = $${i + 3}`).join(', ');
          await tx.query(`UPDATE identities SET ${sets} WHERE account_id = $1 AND id = $2`, [
            accountId,
            e.data.id,
            ...entries.map(([k, v]) => (COLUMNS[k].json ? json(v) : v)),
          ]);
        }
        changes.record(IDENTITY_TYPE, e.data.id, 'u');
        return;
      }
      case 'IdentityDestroyed':
        await tx.query('DELETE FROM identities WHERE account_id = $1 AND id = $2', [accountId, e.data.id]);
        changes.record(IDENTITY_TYPE, e.data.id, 'd');
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  },
};
