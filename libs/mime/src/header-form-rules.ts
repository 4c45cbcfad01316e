/**
 * RFC 8621 4.1.2: which parsed forms may be fetched or set for which header fields. The email service rejects
 * a forbidden combination (e.g. "header:From:asDate") with invalidArguments (RFC 8621 4.2).
 */
import type { HeaderForm } from './types.js';

/** Header fields defined by RFC 5322 or RFC 2369; any other field allows every form. */
const DEFINED = new Set([
  'date',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'subject',
  'comments',
  'keywords',
  'resent-date',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-bcc',
  'resent-message-id',
  'return-path',
  'received',
  'list-help',
  'list-unsubscribe',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
]);

const ADDRESS_FIELDS = [
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'resent-from',
  'resent-sender',
  'resent-reply-to',
  'resent-to',
  'resent-cc',
  'resent-bcc',
];

const ALLOWED: Record<Exclude<HeaderForm, 'Raw'>, ReadonlySet<string>> = {
  Text: new Set(['subject', 'comments', 'keywords', 'list-id']),
  Addresses: new Set(ADDRESS_FIELDS),
  GroupedAddresses: new Set(ADDRESS_FIELDS),
  MessageIds: new Set(['message-id', 'in-reply-to', 'references', 'resent-message-id']),
  Date: new Set(['date', 'resent-date']),
  URLs: new Set([
    'list-help',
    'list-unsubscribe',
    'list-subscribe',
    'list-post',
    'list-owner',
    'list-archive',
  ]),
};

export function isHeaderFormAllowed(name: string, form: HeaderForm): boolean {
  if (form === 'Raw') return true;
  const field = name.toLowerCase();
  return ALLOWED[form].has(field) || !DEFINED.has(field);
}
