/**
 * Header properties of an Email or EmailBodyPart given at creation (RFC 8621 4.6) → header fields in Raw form:
 * the convenience properties (from, subject, sentAt ...) and `header:{name}[:as{form}][:all]`. Each field may be
 * named by one property only, in a form allowed for it (RFC 8621 4.1.2); a bad value is invalidProperties.
 */
import type { HeaderField } from '@jmap/email-contracts';
import {
  addressesValue,
  dateValue,
  groupedAddressesValue,
  isHeaderFormAllowed,
  messageIdsValue,
  textValue,
  urlsValue,
  type EmailAddress,
  type EmailAddressGroup,
  type HeaderForm,
} from '@jmap/mime';

/** Convenience properties of the Email: the header field each one writes, and its form. */
export const CONVENIENCE_HEADERS: Record<string, { name: string; form: HeaderForm }> = {
  from: { name: 'From', form: 'Addresses' },
  sender: { name: 'Sender', form: 'Addresses' },
  replyTo: { name: 'Reply-To', form: 'Addresses' },
  to: { name: 'To', form: 'Addresses' },
  cc: { name: 'Cc', form: 'Addresses' },
  bcc: { name: 'Bcc', form: 'Addresses' },
  subject: { name: 'Subject', form: 'Text' },
  sentAt: { name: 'Date', form: 'Date' },
  messageId: { name: 'Message-ID', form: 'MessageIds' },
  inReplyTo: { name: 'In-Reply-To', form: 'MessageIds' },
  references: { name: 'References', form: 'MessageIds' },
};

const FORMS: Record<string, HeaderForm> = {
  asraw: 'Raw',
  astext: 'Text',
  asaddresses: 'Addresses',
  asgroupedaddresses: 'GroupedAddresses',
  asmessageids: 'MessageIds',
  asdate: 'Date',
  asurls: 'URLs',
};

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]{1,255}$/;

export interface HeaderProperty {
  name: string;
  form: HeaderForm;
  all: boolean;
}

/** `header:{name}[:as{form}][:all]` → its parts, or null when malformed. */
export function parseHeaderProperty(prop: string): HeaderProperty | null {
  const m = /^header:([^:]+)(?::(as[A-Za-z]+))?(?::(all))?$/.exec(prop);
  if (!m || !FIELD_NAME.test(m[1])) return null;
  const form = m[2] === undefined ? 'Raw' : FORMS[m[2].toLowerCase()];
  if (!form || (m[2] !== undefined && `as${form}` !== m[2])) return null;
  return { name: m[1], form, all: m[3] !== undefined };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isAddress = (v: unknown): v is EmailAddress =>
  typeof v === 'object' &&
  v !== null &&
  isString((v as EmailAddress).email) &&
  ((v as EmailAddress).name === null ||
    (v as EmailAddress).name === undefined ||
    isString((v as EmailAddress).name)) &&
  !/[\r\n<>]/.test((v as EmailAddress).email);
const isAddresses = (v: unknown): v is EmailAddress[] => Array.isArray(v) && v.every(isAddress);
const isGroups = (v: unknown): v is EmailAddressGroup[] =>
  Array.isArray(v) &&
  v.every(
    (g) =>
      typeof g === 'object' &&
      g !== null &&
      (g.name === null || isString(g.name)) &&
      isAddresses((g as EmailAddressGroup).addresses),
  );
const MSG_ID = /^[^\s<>]+$/;
const URL_RE = /^[^\s<>]+$/;

/** One value in a form → its Raw value, or null when the value does not fit the form. */
export function rawValue(form: HeaderForm, value: unknown): string | null {
  switch (form) {
    case 'Raw':
      // Folded line breaks are allowed; any other line break would end the field early.
      return isString(value) && !/[\r\n]/.test(value.replace(/\r?\n(?=[ \t])/g, '')) ? value : null;
    case 'Text':
      return isString(value) ? textValue(value) : null;
    case 'Addresses':
      return isAddresses(value)
        ? addressesValue(value.map((a) => ({ name: a.name ?? null, email: a.email })))
        : null;
    case 'GroupedAddresses':
      return isGroups(value) ? groupedAddressesValue(value) : null;
    case 'MessageIds':
      return isStringArray(value) && value.length > 0 && value.every((id) => MSG_ID.test(id))
        ? messageIdsValue(value)
        : null;
    case 'Date':
      return isString(value) ? dateValue(value) : null;
    case 'URLs':
      return isStringArray(value) && value.length > 0 && value.every((u) => URL_RE.test(u))
        ? urlsValue(value)
        : null;
    default: {
      const never: never = form;
      throw new Error(`unknown form ${String(never)}`);
    }
  }
}

export interface HeaderCollection {
  fields: HeaderField[];
  /** Properties that were invalid (bad value, forbidden form, a field named twice, a forbidden field). */
  invalid: string[];
}

/**
 * The header fields of an object's header properties. `convenience` maps the object's own convenience
 * properties; `forbidden` says which field names may not be given here (Content-* on the Email).
 */
export function collectHeaders(
  obj: Record<string, unknown>,
  convenience: Record<string, { name: string; form: HeaderForm }>,
  forbidden: (lowerName: string) => boolean,
): HeaderCollection {
  const fields: HeaderField[] = [];
  const invalid: string[] = [];
  const seen = new Map<string, string>();
  const claim = (prop: string, name: string): boolean => {
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      invalid.push(other, prop);
      return false;
    }
    seen.set(name.toLowerCase(), prop);
    return true;
  };
  for (const [prop, value] of Object.entries(obj)) {
    const conv = convenience[prop];
    const hp = conv
      ? { ...conv, all: false }
      : prop.startsWith('header:')
        ? parseHeaderProperty(prop)
        : undefined;
    if (hp === undefined) continue;
    if (hp === null || forbidden(hp.name.toLowerCase()) || !isHeaderFormAllowed(hp.name, hp.form)) {
      invalid.push(prop);
      continue;
    }
    if (!claim(prop, hp.name) || value === null) continue;
    const values = hp.all ? value : [value];
    if (!Array.isArray(values)) {
      invalid.push(prop);
      continue;
    }
    const raws = values.map((v) => rawValue(hp.form, v));
    if (raws.some((r) => r === null)) invalid.push(prop);
    else for (const r of raws) fields.push({ name: hp.name, value: r! });
  }
  return { fields, invalid: [...new Set(invalid)] };
}
