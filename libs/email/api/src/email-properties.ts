/**
 * The properties Email/get and Email/parse know (RFC 8621 4.1, 4.2, 4.9), the EmailBodyPart properties of
 * bodyProperties, and the dynamic header:{name}[:as{form}][:all] properties (RFC 8621 4.1.3). A form a header
 * field may not be parsed as (e.g. header:From:asDate) rejects the whole call with invalidArguments (4.2).
 */
import { isHeaderFormAllowed, type HeaderForm } from '@jmap/mime';
import { MethodError } from '@jmap/protocol';

export const EMAIL_PROPERTIES = [
  'id',
  'blobId',
  'threadId',
  'mailboxIds',
  'keywords',
  'size',
  'receivedAt',
  'headers',
  'messageId',
  'inReplyTo',
  'references',
  'sender',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'sentAt',
  'bodyStructure',
  'bodyValues',
  'textBody',
  'htmlBody',
  'attachments',
  'hasAttachment',
  'preview',
] as const;

/** RFC 8621 4.2: what Email/get returns when `properties` is null. */
export const EMAIL_GET_DEFAULT_PROPERTIES = [
  'id',
  'blobId',
  'threadId',
  'mailboxIds',
  'keywords',
  'size',
  'receivedAt',
  'messageId',
  'inReplyTo',
  'references',
  'sender',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'sentAt',
  'hasAttachment',
  'preview',
  'bodyValues',
  'textBody',
  'htmlBody',
  'attachments',
];

/** RFC 8621 4.9: what Email/parse returns when `properties` is omitted. */
export const EMAIL_PARSE_DEFAULT_PROPERTIES = EMAIL_GET_DEFAULT_PROPERTIES.filter(
  (p) => !['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt'].includes(p),
);

export const BODY_PART_PROPERTIES = [
  'partId',
  'blobId',
  'size',
  'headers',
  'name',
  'type',
  'charset',
  'disposition',
  'cid',
  'language',
  'location',
  'subParts',
] as const;

/** RFC 8621 4.2: bodyProperties when omitted. */
export const DEFAULT_BODY_PROPERTIES = [
  'partId',
  'blobId',
  'size',
  'name',
  'type',
  'charset',
  'disposition',
  'cid',
  'language',
  'location',
];

export interface HeaderProperty {
  /** The field name as requested (matched case-insensitively). */
  name: string;
  form: HeaderForm;
  all: boolean;
}

const FORMS: ReadonlySet<string> = new Set([
  'Raw',
  'Text',
  'Addresses',
  'GroupedAddresses',
  'MessageIds',
  'Date',
  'URLs',
]);
// RFC 8621 4.1.3: one or more printable ASCII characters (33-126) except ":".
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** "header:List-Post:asURLs:all" → its parts; null when the name is not a header property at all. */
export function parseHeaderProperty(property: string): HeaderProperty | null {
  const parts = property.split(':');
  if (parts[0] !== 'header' || parts.length < 2 || parts.length > 4 || !FIELD_NAME.test(parts[1]))
    return null;
  let form: HeaderForm = 'Raw';
  let all = false;
  let i = 2;
  if (i < parts.length && parts[i].startsWith('as')) {
    if (!FORMS.has(parts[i].slice(2))) return null;
    form = parts[i].slice(2) as HeaderForm;
    i++;
  }
  if (i < parts.length && parts[i] === 'all') {
    all = true;
    i++;
  }
  return i === parts.length ? { name: parts[1], form, all } : null;
}

/** A header property is accepted when it parses; a forbidden form for the field is invalidArguments. */
export function isHeaderProperty(property: string): boolean {
  const h = parseHeaderProperty(property);
  if (!h) return false;
  if (!isHeaderFormAllowed(h.name, h.form)) {
    throw new MethodError(
      'invalidArguments',
      `"${property}": the ${h.form} form is not allowed for the ${h.name} header field.`,
    );
  }
  return true;
}

/** The bodyProperties argument: the default when absent; unknown names are invalidArguments. */
export function parseBodyProperties(value: string[] | null): string[] {
  if (value === null) return DEFAULT_BODY_PROPERTIES;
  const known = new Set<string>(BODY_PART_PROPERTIES);
  const unknown = value.filter((p) => !known.has(p) && !isHeaderProperty(p));
  if (unknown.length > 0)
    throw new MethodError('invalidArguments', `Unknown body properties: ${unknown.join(', ')}.`);
  return [...new Set(value)];
}
