/** The JMAP view of a message (RFC 8621 section 4.1) as this library produces it. */

/** RFC 8621 4.1.3: a header field, its name as written and its value in Raw form (4.1.2.1). */
export interface EmailHeader {
  name: string;
  value: string;
}

/** RFC 8621 4.1.2.3. */
export interface EmailAddress {
  name: string | null;
  email: string;
}

/** RFC 8621 4.1.2.4. */
export interface EmailAddressGroup {
  name: string | null;
  addresses: EmailAddress[];
}

export type HeaderForm = 'Raw' | 'Text' | 'Addresses' | 'GroupedAddresses' | 'MessageIds' | 'Date' | 'URLs';

/**
 * RFC 8621 4.1.4 EmailBodyPart, plus where its content lies in the raw message so that the content can be
 * extracted later (partContent, decodeBodyText) without parsing the message again.
 */
export interface BodyPart {
  /** Null if, and only if, the part is multipart/*. IMAP-style section numbers ("1", "2.1"). */
  partId: string | null;
  headers: EmailHeader[];
  name: string | null;
  /** Lowercase media type without parameters. */
  type: string;
  charset: string | null;
  /** Lowercase disposition without parameters, or null. */
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  /** Present only on multipart/* parts. */
  subParts?: BodyPart[];
  /** Octets after transfer decoding; for a multipart, the octets of its raw body. */
  size: number;
  /** Offset in the raw message of the first octet of the part's body (after its header block). */
  bodyOffset: number;
  /** Length in octets of the part's body as it is in the raw message, still transfer-encoded. */
  bodyLength: number;
  /** Content-Transfer-Encoding, lowercase, without comments; null if the header field is absent. */
  encoding: string | null;
}

/**
 * Bounds on the work and output of one parse. Each exists because a message is attacker-controlled input
 * that reaches the parser before anyone has looked at it.
 */
export interface MimeLimits {
  /** Nesting depth of multiparts below the message (the message itself is depth 0). */
  maxDepth: number;
  /** Body parts in the whole tree (multiparts included). */
  maxParts: number;
  /** Octets of one header block (the message's or one part's). */
  maxHeaderBytes: number;
  /** Header fields in one header block. */
  maxHeaders: number;
}

export interface ParsedMessage {
  /** Octets of the raw message (RFC 8621 4.1.1 size). */
  size: number;
  headers: EmailHeader[];
  bodyStructure: BodyPart;
  textBody: BodyPart[];
  htmlBody: BodyPart[];
  attachments: BodyPart[];
  hasAttachment: boolean;
  /** What was malformed or cut short; empty for a clean message. For logs and diagnostics, not for clients. */
  problems: string[];
}

export interface BodyValue {
  value: string;
  isEncodingProblem: boolean;
  isTruncated: boolean;
}
