/**
 * What the submission service needs from other slices, as narrow ports wired in the Nest module: identities
 * (the Identity slice) and local delivery (libs/delivery).
 */
import type { Queryable } from '@jmap/platform';
import type { IdentityView } from '@jmap/submission-domain';

/** Reads identities of an account (inside the command's transaction). */
export interface IdentityDirectory {
  identities(db: Queryable, accountId: string, ids: readonly string[]): Promise<Map<string, IdentityView>>;
}

export const SUBMISSION_IDENTITIES = Symbol('SUBMISSION_IDENTITIES');
