/**
 * Identity events (past tense, starting with their object; STYLE.md convention 1). `v` is the schema version.
 * They carry every value of the read model, so a replay rebuilds it (invariant 5).
 */

/** RFC 8621 4.1.2.3 EmailAddress. */
export interface IdentityAddress {
  name: string | null;
  email: string;
}

/** The properties of an Identity a client may set (RFC 8621 6); `email` only on create. */
export interface IdentityFields {
  name: string;
  email: string;
  replyTo: IdentityAddress[] | null;
  bcc: IdentityAddress[] | null;
  textSignature: string;
  htmlSignature: string;
}

export interface Identity extends IdentityFields {
  id: string;
  mayDelete: boolean;
}

export interface IdentityCreated {
  readonly type: 'IdentityCreated';
  readonly v: 1;
  readonly data: Identity;
}
/** The changed properties only (never `email`, `id` or `mayDelete`: they are immutable). */
export interface IdentityUpdated {
  readonly type: 'IdentityUpdated';
  readonly v: 1;
  readonly data: { id: string; changes: Partial<Omit<IdentityFields, 'email'>> };
}
export interface IdentityDestroyed {
  readonly type: 'IdentityDestroyed';
  readonly v: 1;
  readonly data: { id: string };
}

export type IdentityEvent = IdentityCreated | IdentityUpdated | IdentityDestroyed;

export const IDENTITY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'IdentityCreated',
  'IdentityUpdated',
  'IdentityDestroyed',
]);

export function isIdentityEvent(e: { type: string }): e is IdentityEvent {
  return IDENTITY_EVENT_TYPES.has(e.type);
}
