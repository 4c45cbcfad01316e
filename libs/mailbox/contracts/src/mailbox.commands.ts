/**
 * Commands the mailbox service accepts (topic `<prefix>commands.mailbox`, keyed by account id) and their
 * replies. Mailbox/set carries the parsed JMAP /set arguments; the service applies them atomically under the
 * account lock, so ifInState is checked against the state the change is applied to.
 */
import type { SetError } from '@jmap/protocol';

export const MAILBOX_SERVICE = 'mailbox';

export const MailboxCommandTypes = {
  set: 'Mailbox/set',
  createDefaults: 'Mailbox/createDefaults',
} as const;

export interface MailboxSetPayload {
  ifInState: string | null;
  create: Record<string, Record<string, unknown>>;
  update: Record<string, Record<string, unknown>>;
  destroy: string[];
  onDestroyRemoveEmails: boolean;
  /** Creation ids resolved earlier in the request (for "#cid" parentIds). */
  createdIds: Record<string, string>;
  /** Limits from the mail capability (the gateway advertises them; the service enforces them). */
  limits: MailboxLimits;
}

export interface MailboxLimits {
  maxMailboxDepth: number;
  maxSizeMailboxName: number;
  mayCreateTopLevelMailbox: boolean;
}

export interface MailboxSetReply {
  oldState: string;
  newState: string;
  created: Record<string, Record<string, unknown>>;
  updated: Record<string, Record<string, unknown> | null>;
  destroyed: string[];
  notCreated: Record<string, SetError>;
  notUpdated: Record<string, SetError>;
  notDestroyed: Record<string, SetError>;
  /** The server ids of the created mailboxes by creation id. */
  createdIds: Record<string, string>;
}

export interface CreateDefaultMailboxesReply {
  created: Record<string, string>;
}
