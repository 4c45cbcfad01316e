/**
 * The Email/set command (RFC 8621 4.6), one per call: drafts to compose and create, keyword and mailbox
 * changes, destroys. The gateway checks the shape (properties, forms, keywords, creation-id references) and
 * the email service decides against the account under its lock, so the call is atomic.
 */
import type { SetError } from '@jmap/protocol';
import type { ImportedEmail } from './email.commands.js';
import type { HeaderField } from './email.events.js';

export const EMAIL_SET_COMMAND = 'Email/set';

/** A leaf or multipart of a draft (RFC 8621 4.1.4 EmailBodyPart as given at creation). */
export interface DraftPart {
  /** Lowercase media type. */
  type: string;
  charset: string | null;
  name: string | null;
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  /** Further header fields of the part in Raw form (header:* properties). */
  headers: HeaderField[];
  /** The text of a part given by partId (from bodyValues). */
  text?: string;
  /** The blob whose octets are the part's content ("G…" or "P…", "#creationId" references resolved). */
  blobId?: string;
  subParts?: DraftPart[];
}

/** An Email to compose: its header fields in Raw form and its body tree. */
export interface DraftMessage {
  headers: HeaderField[];
  body: DraftPart;
}

export interface EmailCreateItem {
  creationId: string;
  mailboxIds: string[];
  keywords: string[];
  receivedAt: string | null;
  message: DraftMessage;
}

/** A set property's change: its whole new value, or members added and removed (patch paths). */
export type SetChange = { replace: string[] } | { add: string[]; remove: string[] };

export interface EmailUpdateItem {
  id: string;
  keywords?: SetChange;
  mailboxIds?: SetChange;
}

export interface EmailSetLimits {
  maxMailboxesPerEmail: number;
  maxKeywordsPerEmail: number;
  /** RFC 8621 1.3.1 maxSizeAttachmentsPerEmail: the sum of the blob parts' octets. */
  maxSizeAttachmentsPerEmail: number;
}

export interface EmailSetPayload {
  ifInState: string | null;
  create: EmailCreateItem[];
  update: EmailUpdateItem[];
  destroy: string[];
  limits: EmailSetLimits;
}

export interface EmailSetReply {
  oldState: string;
  newState: string;
  created: Record<string, ImportedEmail>;
  notCreated: Record<string, SetError>;
  updated: Record<string, null>;
  notUpdated: Record<string, SetError>;
  destroyed: string[];
  notDestroyed: Record<string, SetError>;
}
