/**
 * Commands the identity handlers accept (topic `<prefix>commands.identity`, keyed by account id; hosted by the
 * submission service) and their replies.
 */
import type { SetError } from '@jmap/protocol';

export const IDENTITY_SERVICE = 'identity';

export const IdentityCommandTypes = {
  set: 'Identity/set',
  /** Gives an account its default identity (mayDelete false) unless it has had one; idempotent. */
  createDefault: 'Identity/createDefault',
} as const;

export interface IdentitySetPayload {
  ifInState: string | null;
  create: Record<string, Record<string, unknown>>;
  update: Record<string, Record<string, unknown>>;
  destroy: string[];
}

export interface IdentitySetReply {
  oldState: string;
  newState: string;
  created: Record<string, Record<string, unknown>>;
  updated: Record<string, Record<string, unknown> | null>;
  destroyed: string[];
  notCreated: Record<string, SetError>;
  notUpdated: Record<string, SetError>;
  notDestroyed: Record<string, SetError>;
  /** The server ids of the created identities by creation id. */
  createdIds: Record<string, string>;
}

export interface CreateDefaultIdentityPayload {
  /** The From name of the default identity (the principal's name, may be ""). */
  name: string;
}

export interface CreateDefaultIdentityReply {
  /** The id of the identity created now, or null when the account had one already. */
  created: string | null;
}
