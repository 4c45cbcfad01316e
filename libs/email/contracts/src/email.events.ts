/**
 * Email events (past tense, starting with their object; STYLE.md convention 1). `v` is the schema version.
 *
 * EmailCreated carries every value the read models need (invariant 5): a replay rebuilds the email rows, the
 * mailbox counts and the thread read model from the log alone, without the blob store. Only bodyValues are cut
 * from the raw message later, at the offsets recorded in bodyStructure.
 */

/** RFC 8621 4.1.3 EmailHeader: the field name as written, the value in Raw form. */
export interface HeaderField {
  name: string;
  value: string;
}

/** RFC 8621 4.1.2.3 EmailAddress. */
export interface AddressValue {
  name: string | null;
  email: string;
}

/**
 * An RFC 8621 4.1.4 EmailBodyPart as stored: the JMAP properties plus where the part's body lies in the raw
 * message (bodyOffset, bodyLength, still transfer-encoded with `encoding`), so bodyValues and part blobs are
 * decoded from the message blob without parsing it again.
 */
export interface StoredBodyPart {
  /** Null if, and only if, the part is multipart/*. */
  partId: string | null;
  /** The part blob id (libs/blobs partBlobId); null for a multipart. */
  blobId: string | null;
  size: number;
  headers: HeaderField[];
  name: string | null;
  type: string;
  charset: string | null;
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  subParts?: StoredBodyPart[];
  bodyOffset: number;
  bodyLength: number;
  encoding: string | null;
}

/** What a message says about itself (RFC 8621 4.1.2 to 4.1.4), derived by parsing it once at import. */
export interface MessageFacts {
  size: number;
  headers: HeaderField[];
  messageId: string[] | null;
  inReplyTo: string[] | null;
  references: string[] | null;
  sender: AddressValue[] | null;
  from: AddressValue[] | null;
  to: AddressValue[] | null;
  cc: AddressValue[] | null;
  bcc: AddressValue[] | null;
  replyTo: AddressValue[] | null;
  subject: string | null;
  /** RFC 8621 4.1.2.6 Date form (the message's own offset), or null. */
  sentAt: string | null;
  hasAttachment: boolean;
  preview: string;
  bodyStructure: StoredBodyPart;
  /** partIds of the textBody, htmlBody and attachments lists (each id names a part of bodyStructure). */
  textBody: string[];
  htmlBody: string[];
  attachments: string[];
  /** RFC 5256 base subject of `subject` ("" when there is none): the threading rule compares it. */
  baseSubject: string;
  /** Plain text of the body for the full-text index, at most TEXT_EXTRACT_MAX_BYTES octets of UTF-8. */
  textExtract: string;
}

/** Bound of MessageFacts.textExtract: enough text for a full-text index, small enough for every event. */
export const TEXT_EXTRACT_MAX_BYTES = 32 * 1024;

export interface EmailCreatedData extends MessageFacts {
  id: string;
  threadId: string;
  /** "G" + SHA-256 of the raw message. */
  blobId: string;
  /** The set of mailboxes (ids, no duplicates). */
  mailboxIds: string[];
  /** The set of keywords, lowercase (RFC 8621 4.1.1). */
  keywords: string[];
  /** UTCDate. */
  receivedAt: string;
  /**
   * The envelope, when the email arrived by inbound delivery (LMTP/SMTP or local delivery of a submission);
   * absent for JMAP imports. In the event only (no read-model column): the vacation responder reads it.
   */
  delivery?: { mailFrom: string | null; rcptTo: string };
}

export interface EmailCreated {
  readonly type: 'EmailCreated';
  readonly v: 1;
  readonly data: EmailCreatedData;
}
/** The full new keyword set. */
export interface EmailKeywordsChanged {
  readonly type: 'EmailKeywordsChanged';
  readonly v: 1;
  readonly data: { id: string; keywords: string[] };
}
/** The full new mailbox set (never empty: an email in no mailbox is destroyed instead). */
export interface EmailMailboxesChanged {
  readonly type: 'EmailMailboxesChanged';
  readonly v: 1;
  readonly data: { id: string; mailboxIds: string[] };
}
export interface EmailDestroyed {
  readonly type: 'EmailDestroyed';
  readonly v: 1;
  readonly data: { id: string };
}

export type EmailEvent = EmailCreated | EmailKeywordsChanged | EmailMailboxesChanged | EmailDestroyed;

export const EMAIL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'EmailCreated',
  'EmailKeywordsChanged',
  'EmailMailboxesChanged',
  'EmailDestroyed',
]);

export function isEmailEvent(e: { type: string }): e is EmailEvent {
  return EMAIL_EVENT_TYPES.has(e.type);
}
