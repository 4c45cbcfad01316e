/**
 * Commands the email service accepts (topic `<prefix>commands.email`, keyed by account id) and their replies.
 * One Email/import call is one command: the service fetches and parses every message outside the account lock,
 * then decides threads and appends all the EmailCreated events in one transaction.
 */
import type { SetError } from '@jmap/protocol';

export const EMAIL_SERVICE = 'email';

export const EmailCommandTypes = {
  import: 'Email/import',
} as const;

/** One EmailImport the gateway found well-formed (RFC 8621 4.8), with creation-id mailbox refs resolved. */
export interface EmailImportItem {
  creationId: string;
  /** A blob of the account: "G…" (an upload, a copy) or "P…" (a part of a message the account can read). */
  blobId: string;
  mailboxIds: string[];
  /** Lowercase, validated. */
  keywords: string[];
  /** UTCDate, or null for the default (the most recent Received header's date, else the time of import). */
  receivedAt: string | null;
  /** Set by inbound delivery (LMTP/SMTP, local delivery); absent for JMAP imports. Stored in the event only. */
  delivery?: EmailDelivery;
}

/** The SMTP envelope an email arrived with: MAIL FROM (null for the null reverse-path) and this RCPT TO. */
export interface EmailDelivery {
  mailFrom: string | null;
  rcptTo: string;
}

export interface EmailImportPayload {
  ifInState: string | null;
  /** In the order of the call's `emails` map: an earlier import can thread or duplicate-match a later one. */
  emails: EmailImportItem[];
}

export interface ImportedEmail {
  id: string;
  blobId: string;
  threadId: string;
  size: number;
}

export interface EmailImportReply {
  oldState: string;
  newState: string;
  created: Record<string, ImportedEmail>;
  notCreated: Record<string, SetError>;
}
