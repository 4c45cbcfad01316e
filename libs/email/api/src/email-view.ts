/**
 * Builds Email objects (RFC 8621 4.1) with the requested properties from what the read model holds (Email/get)
 * or what parsing a blob gives (Email/parse). Only bodyValues need the raw message, which the caller loads
 * once per email and only when a text part is to be decoded.
 *
 * bodyStructure always carries subParts on its multipart parts (the tree is the point of the property), even
 * when bodyProperties leaves subParts out; the flat lists hold no multiparts.
 */
import type { StoredBodyPart } from '@jmap/email-contracts';
import { decodeBodyText, headerAs, type BodyPart, type BodyValue, type EmailHeader } from '@jmap/mime';
import { parseHeaderProperty } from './email-properties.js';

/** The email's data; metadata that does not exist (Email/parse) is null. */
export interface EmailData {
  id: string | null;
  blobId?: string | null;
  threadId?: string | null;
  mailboxIds?: string[] | null;
  keywords?: string[] | null;
  receivedAt?: string | null;
  headers?: EmailHeader[];
  bodyStructure?: StoredBodyPart;
  textBody?: string[];
  htmlBody?: string[];
  attachments?: string[];
  [property: string]: unknown;
}

export interface BodyValueOptions {
  fetchTextBodyValues: boolean;
  fetchHTMLBodyValues: boolean;
  fetchAllBodyValues: boolean;
  maxBodyValueBytes: number;
}

export interface ViewOptions extends BodyValueOptions {
  properties: readonly string[];
  bodyProperties: readonly string[];
}

const asSet = (items: readonly string[] | null | undefined) =>
  items ? Object.fromEntries(items.map((k) => [k, true as const])) : null;

function partView(part: StoredBodyPart, props: readonly string[], inTree: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) {
    if (p === 'subParts') continue;
    const header = parseHeaderProperty(p);
    out[p] = header
      ? headerAs(part.headers, header.name, header.form, header.all)
      : ((part as unknown as Record<string, unknown>)[p] ?? null);
  }
  if (part.subParts && inTree) out.subParts = part.subParts.map((s) => partView(s, props, true));
  else if (props.includes('subParts')) out.subParts = null;
  return out;
}

function partsById(root: StoredBodyPart | undefined): Map<string, StoredBodyPart> {
  const map = new Map<string, StoredBodyPart>();
  const walk = (p: StoredBodyPart) => {
    if (p.partId !== null) map.set(p.partId, p);
    for (const s of p.subParts ?? []) walk(s);
  };
  if (root) walk(root);
  return map;
}

/** The text/* parts whose values the options ask for, each once, in list order. */
export function bodyValueParts(email: EmailData, o: BodyValueOptions): StoredBodyPart[] {
  const byId = partsById(email.bodyStructure);
  const ids = new Set<string>();
  if (o.fetchTextBodyValues) for (const id of email.textBody ?? []) ids.add(id);
  if (o.fetchHTMLBodyValues) for (const id of email.htmlBody ?? []) ids.add(id);
  if (o.fetchAllBodyValues) for (const id of byId.keys()) ids.add(id);
  return [...ids]
    .map((id) => byId.get(id))
    .filter((p): p is StoredBodyPart => !!p && p.type.startsWith('text/'));
}

export function bodyValues(
  raw: Buffer,
  parts: readonly StoredBodyPart[],
  maxBytes: number,
): Record<string, BodyValue> {
  const out: Record<string, BodyValue> = {};
  for (const part of parts) out[part.partId!] = decodeBodyText(raw, part as BodyPart, maxBytes);
  return out;
}

/** The Email object; `raw` is the message when bodyValues are requested and some part needs decoding. */
export function emailObject(email: EmailData, o: ViewOptions, raw: Buffer | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byId = partsById(email.bodyStructure);
  const list = (ids: string[] | undefined) =>
    (ids ?? [])
      .map((id) => byId.get(id))
      .filter((p): p is StoredBodyPart => !!p)
      .map((p) => partView(p, o.bodyProperties, false));
  for (const p of o.properties) {
    const header = parseHeaderProperty(p);
    if (header) out[p] = headerAs(email.headers ?? [], header.name, header.form, header.all);
    else if (p === 'mailboxIds' || p === 'keywords') out[p] = asSet(email[p]);
    else if (p === 'bodyStructure')
      out[p] = email.bodyStructure ? partView(email.bodyStructure, o.bodyProperties, true) : null;
    else if (p === 'textBody' || p === 'htmlBody' || p === 'attachments') out[p] = list(email[p]);
    else if (p === 'bodyValues')
      out[p] = raw ? bodyValues(raw, bodyValueParts(email, o), o.maxBodyValueBytes) : {};
    else out[p] = email[p] ?? null;
  }
  return out;
}
