/**
 * Property validation for Mailbox/set (RFC 8621 section 2, RFC 8620 section 5.3): types, the name rules
 * (1..maxSizeMailboxName octets of Net-Unicode, no control characters or "/", normalised to NFC), roles from
 * the registry, sortOrder in [0, 2^31).
 */
import type { MailboxFields } from '@jmap/mailbox-contracts';
import { setError, type SetError } from '@jmap/protocol';
import { MAILBOX_ROLES } from './mailbox.js';

export const CLIENT_PROPERTIES = ['name', 'parentId', 'role', 'sortOrder', 'isSubscribed'] as const;
export const SERVER_PROPERTIES = ['id', 'totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads', 'myRights'] as const;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function normaliseName(name: string): string {
  return name.normalize('NFC');
}

/** Checks the client-settable properties of a candidate mailbox; returns the invalid property names. */
export function invalidFields(c: Record<string, unknown>, maxSizeMailboxName: number): string[] {
  const bad: string[] = [];
  if (typeof c.name !== 'string' || c.name.length === 0 || CONTROL.test(c.name) || c.name.includes('/')) {
    bad.push('name');
  } else if (Buffer.byteLength(normaliseName(c.name), 'utf8') > maxSizeMailboxName) {
    bad.push('name');
  }
  if (c.parentId !== null && typeof c.parentId !== 'string') bad.push('parentId');
  if (c.role !== null && (typeof c.role !== 'string' || !MAILBOX_ROLES.has(c.role))) bad.push('role');
  if (!Number.isInteger(c.sortOrder) || (c.sortOrder as number) < 0 || (c.sortOrder as number) >= 2 ** 31) bad.push('sortOrder');
  if (typeof c.isSubscribed !== 'boolean') bad.push('isSubscribed');
  return bad;
}

export function invalidProperties(properties: string[], description: string): SetError {
  return setError('invalidProperties', description, { properties });
}

/** Unknown keys in a create, or server-set keys (which a create may not contain at all). */
export function unexpectedCreateProperties(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => !(CLIENT_PROPERTIES as readonly string[]).includes(k));
}

export function toFields(c: Record<string, unknown>): MailboxFields {
  return {
    name: normaliseName(c.name as string),
    parentId: (c.parentId as string | null) ?? null,
    role: (c.role as string | null) ?? null,
    sortOrder: c.sortOrder as number,
    isSubscribed: c.isSubscribed as boolean,
  };
}
