/** Account sharing for e2e tests of remembered logins (ADR 0011). */
import { withTransaction, type Pool } from '@jmap/platform';

/**
 * Shares `accountId` with `principalId` without the notification that tells the gateways (migration 0065's
 * trigger is skipped for this one transaction): the state every gateway is in while that notification is still
 * on its way, held as long as a test needs. Needs a superuser connection, as the test infrastructure's is.
 */
export async function shareUnannounced(db: Pool, principalId: string, accountId: string): Promise<void> {
  await withTransaction(db, async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      principalId,
      accountId,
    ]);
  });
}
