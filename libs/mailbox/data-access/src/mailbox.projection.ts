/**
 * Inline projection of Mailbox events into the `mailboxes` table and the Mailbox change log.
 */
import type { ChangeRecorder, Projection, StoredEvent } from '@jmap/event-store';
import { isMailboxEvent } from '@jmap/mailbox-contracts';
import type { PoolClient } from '@jmap/platform';

const COLUMNS: Record<string, string> = {
  name: 'name',
  parentId: 'parent_id',
  role: 'role',
  sortOrder: 'sort_order',
  isSubscribed: 'is_subscribed',
};

export const MAILBOX_TYPE = 'Mailbox';

export const mailboxProjection: Projection = {
  name: 'mailboxes',
  mode: 'inline',
  tables: [{ table: 'mailboxes', key: ['id'] }],
  async apply(tx: PoolClient, stored: StoredEvent, changes: ChangeRecorder): Promise<void> {
    const e = stored.event;
    if (!isMailboxEvent(e)) return;
    const accountId = stored.accountId;
    switch (e.type) {
      case 'MailboxCreated': {
        const d = e.data;
        await tx.query(
          `INSERT INTO mailboxes (account_id, id, name, parent_id, role, sort_order, is_subscribed)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [accountId, d.id, d.name, d.parentId, d.role, d.sortOrder, d.isSubscribed],
        );
        changes.record(MAILBOX_TYPE, d.id, 'c');
        return;
      }
      case 'MailboxUpdated': {
        const entries = Object.entries(e.data.changes).filter(([k]) => k in COLUMNS);
        if (entries.length > 0) {
          const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`).join(', ');
          await tx.query(`UPDATE mailboxes SET ${sets} WHERE account_id = $1 AND id = $2`, [
            accountId,
            e.data.id,
            ...entries.map(([, v]) => v),
          ]);
        }
        changes.record(MAILBOX_TYPE, e.data.id, 'u');
        return;
      }
      case 'MailboxDestroyed':
        await tx.query('DELETE FROM mailboxes WHERE account_id = $1 AND id = $2', [accountId, e.data.id]);
        changes.record(MAILBOX_TYPE, e.data.id, 'd');
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  },
};
