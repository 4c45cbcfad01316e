/**
 * An Email/set create object (RFC 8621 4.6) → the draft to compose, or the SetError that refuses it. Checks
 * the constraints of 4.6: no `headers`, one property per header field, allowed forms, no Content-* on the
 * Email, bodyStructure exclusive with textBody/htmlBody/attachments, one text/plain textBody and one
 * text/html htmlBody, partId XOR blobId, partId present in bodyValues, no charset or size with a partId, no
 * Content-Transfer-Encoding, bodyValues without isEncodingProblem/isTruncated. Mailboxes and blobs are checked
 * against the account later (the service, under the lock).
 */
import type { DraftPart, EmailCreateItem } from '@jmap/email-contracts';
import { isPlainObject, isUtcDate, setError, type SetError } from '@jmap/protocol';
import { toUtcDate } from './dates.js';
import { CONVENIENCE_HEADERS, collectHeaders } from './draft-headers.js';
import { parseKeywordSet } from './keywords.js';

const EMAIL_PROPS = new Set([
  'mailboxIds',
  'keywords',
  'receivedAt',
  'bodyStructure',
  'textBody',
  'htmlBody',
  'attachments',
  'bodyValues',
  ...Object.keys(CONVENIENCE_HEADERS),
]);
const PART_PROPS = new Set([
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
  'subParts',
]);
/** Content fields a part's own properties write: header:* may not name them as well. */
const PART_FIELDS = new Set([
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'content-language',
  'content-location',
]);
/** Nesting of bodyStructure a draft may have (the parser's own bound is deeper). */
export const MAX_DRAFT_DEPTH = 10;

class Invalid extends Error {
  constructor(
    readonly properties: string[],
    description: string,
  ) {
    super(description);
  }
}

const fail = (prop: string, description: string): never => {
  throw new Invalid([prop], description);
};

interface BodyContext {
  bodyValues: Record<string, string>;
  usedPartIds: Set<string>;
  resolveBlob: (blobId: string) => string;
}

const optString = (v: unknown, prop: string, where: string): string | null => {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length === 0 || /[\r\n]/.test(v)) fail(where, `"${prop}" must be a string.`);
  return v as string;
};

function bodyPart(
  raw: unknown,
  where: string,
  ctx: BodyContext,
  depth: number,
  defaultType = 'text/plain',
): DraftPart {
  if (!isPlainObject(raw)) return fail(where, 'An EmailBodyPart must be an object.');
  if (depth > MAX_DRAFT_DEPTH) fail(where, `bodyStructure may nest at most ${MAX_DRAFT_DEPTH} levels.`);
  const unknown = Object.keys(raw).filter((k) => !PART_PROPS.has(k) && !k.startsWith('header:'));
  if (unknown.length > 0) fail(where, `Not allowed in an EmailBodyPart at creation: ${unknown.join(', ')}.`);
  const headers = collectHeaders(raw, {}, (n) => PART_FIELDS.has(n));
  if (headers.invalid.length > 0) fail(where, `Invalid header properties: ${headers.invalid.join(', ')}.`);
  const type = (optString(raw.type, 'type', where) ?? defaultType).toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) fail(where, '"type" must be a media type.');
  const language =
    raw.language === undefined || raw.language === null
      ? null
      : Array.isArray(raw.language) &&
          raw.language.every((l) => typeof l === 'string' && /^[A-Za-z0-9-]+$/.test(l))
        ? (raw.language as string[])
        : fail(where, '"language" must be a list of language tags.');
  const part: DraftPart = {
    type,
    charset: optString(raw.charset, 'charset', where),
    name: optString(raw.name, 'name', where),
    disposition: optString(raw.disposition, 'disposition', where)?.toLowerCase() ?? null,
    cid: optString(raw.cid, 'cid', where)?.replace(/^<(.*)>$/, '$1') ?? null,
    language,
    location: optString(raw.location, 'location', where),
    headers: headers.fields,
  };
  if (type.startsWith('multipart/')) {
    if (raw.partId !== undefined || raw.blobId !== undefined)
      fail(where, 'A multipart has subParts, not a partId or blobId.');
    if (!Array.isArray(raw.subParts) || raw.subParts.length === 0)
      fail(where, 'A multipart needs "subParts".');
    part.subParts = (raw.subParts as unknown[]).map((p) => bodyPart(p, where, ctx, depth + 1));
    return part;
  }
  if (raw.subParts !== undefined && raw.subParts !== null) fail(where, 'Only a multipart has "subParts".');
  const hasPart = raw.partId !== undefined && raw.partId !== null;
  const hasBlob = raw.blobId !== undefined && raw.blobId !== null;
  if (hasPart === hasBlob) fail(where, 'A body part gives either a partId or a blobId.');
  if (hasPart) {
    if (typeof raw.partId !== 'string' || !(raw.partId in ctx.bodyValues))
      fail('bodyValues', `partId "${String(raw.partId)}" is not in bodyValues.`);
    if ((raw.charset ?? null) !== null || (raw.size ?? null) !== null)
      fail(where, 'A part given by partId has no "charset" or "size".');
    if (!type.startsWith('text/')) fail(where, 'A part given by partId must be text/*.');
    ctx.usedPartIds.add(raw.partId as string);
    part.text = ctx.bodyValues[raw.partId as string];
    part.charset = 'utf-8';
  } else {
    if (typeof raw.blobId !== 'string' || raw.blobId.length === 0) fail(where, '"blobId" must be an Id.');
    if (raw.size !== undefined && typeof raw.size !== 'number') fail(where, '"size" must be a number.');
    part.blobId = ctx.resolveBlob(raw.blobId as string);
  }
  return part;
}

function bodyValuesOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) return fail('bodyValues', '"bodyValues" must map partIds to EmailBodyValues.');
  const out: Record<string, string> = {};
  for (const [id, v] of Object.entries(raw)) {
    if (!isPlainObject(v) || typeof v.value !== 'string')
      fail('bodyValues', `bodyValues["${id}"] needs a "value".`);
    const bv = v as Record<string, unknown>;
    if ((bv.isEncodingProblem ?? false) !== false || (bv.isTruncated ?? false) !== false)
      fail('bodyValues', 'isEncodingProblem and isTruncated must be false or omitted.');
    out[id] = bv.value as string;
  }
  return out;
}

function onePart(raw: unknown, prop: string, type: string, ctx: BodyContext): DraftPart | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || raw.length !== 1)
    return fail(prop, `"${prop}" must hold exactly one body part.`);
  const part = bodyPart(raw[0], prop, ctx, 0, type);
  if (part.type !== type) fail(prop, `The "${prop}" part must be ${type}.`);
  return part;
}

/** textBody, htmlBody and attachments as one tree: alternative, then related (inline cid parts), then mixed. */
function flatBody(obj: Record<string, unknown>, ctx: BodyContext): DraftPart {
  const container = (type: string, subParts: DraftPart[]): DraftPart => ({
    type,
    charset: null,
    name: null,
    disposition: null,
    cid: null,
    language: null,
    location: null,
    headers: [],
    subParts,
  });
  const textPart = onePart(obj.textBody, 'textBody', 'text/plain', ctx);
  const htmlPart = onePart(obj.htmlBody, 'htmlBody', 'text/html', ctx);
  if (obj.attachments !== undefined && obj.attachments !== null && !Array.isArray(obj.attachments))
    fail('attachments', '"attachments" must be a list of body parts.');
  const attachments = ((obj.attachments as unknown[] | null | undefined) ?? []).map((a) =>
    bodyPart(a, 'attachments', ctx, 0),
  );
  if (attachments.some((a) => a.subParts)) fail('attachments', 'An attachment cannot be a multipart.');
  const parts = [textPart, htmlPart].filter((p): p is DraftPart => p !== null);
  let body: DraftPart =
    parts.length === 2
      ? container('multipart/alternative', parts)
      : (parts[0] ?? { ...container('text/plain', []), subParts: undefined, charset: 'utf-8', text: '' });
  const inline = htmlPart ? attachments.filter((a) => a.cid !== null && a.disposition !== 'attachment') : [];
  if (inline.length > 0) body = container('multipart/related', [body, ...inline]);
  const rest = attachments.filter((a) => !inline.includes(a));
  return rest.length > 0 ? container('multipart/mixed', [body, ...rest]) : body;
}

export interface DraftRefs {
  /** "#creationId" → id, for mailboxes and blobs created earlier in the request. */
  resolve(ref: string): string | null;
}

/** The create object as an item to compose, or the SetError (invalidProperties, blobNotFound) refusing it. */
export function parseDraft(
  creationId: string,
  obj: Record<string, unknown>,
  refs: DraftRefs,
): { item: EmailCreateItem } | { error: SetError } {
  try {
    return { item: draft(creationId, obj, refs) };
  } catch (e) {
    if (e instanceof BlobRefError)
      return { error: setError('blobNotFound', e.message, { notFound: e.notFound }) };
    if (e instanceof Invalid)
      return { error: setError('invalidProperties', e.message, { properties: e.properties }) };
    throw e;
  }
}

class BlobRefError extends Error {
  constructor(readonly notFound: string[]) {
    super('A blob reference does not resolve.');
  }
}

function draft(creationId: string, obj: Record<string, unknown>, refs: DraftRefs): EmailCreateItem {
  const unknown = Object.keys(obj).filter((k) => !EMAIL_PROPS.has(k) && !k.startsWith('header:'));
  if (unknown.length > 0) throw new Invalid(unknown, `Not allowed at creation: ${unknown.join(', ')}.`);
  const mailboxRefs = obj.mailboxIds;
  if (
    !isPlainObject(mailboxRefs) ||
    Object.keys(mailboxRefs).length === 0 ||
    Object.values(mailboxRefs).some((v) => v !== true)
  )
    fail('mailboxIds', '"mailboxIds" must name at least one mailbox, each with the value true.');
  const mailboxIds = Object.keys(mailboxRefs as object).map((k) =>
    k.startsWith('#') ? refs.resolve(k.slice(1)) : k,
  );
  if (mailboxIds.some((m) => m === null)) fail('mailboxIds', 'A mailbox reference does not resolve.');
  const keywords = obj.keywords === undefined || obj.keywords === null ? [] : parseKeywordSet(obj.keywords);
  if (keywords === null) fail('keywords', '"keywords" must map valid keywords (RFC 8621 4.1.1) to true.');
  let receivedAt: string | null = null;
  if (obj.receivedAt !== undefined && obj.receivedAt !== null) {
    receivedAt = isUtcDate(obj.receivedAt) ? toUtcDate(obj.receivedAt) : null;
    if (receivedAt === null) fail('receivedAt', '"receivedAt" must be a UTCDate.');
  }
  const headers = collectHeaders(obj, CONVENIENCE_HEADERS, (n) => n.startsWith('content-'));
  if (headers.invalid.length > 0)
    throw new Invalid(headers.invalid, `Invalid header properties: ${headers.invalid.join(', ')}.`);
  const unresolved: string[] = [];
  const ctx: BodyContext = {
    bodyValues: bodyValuesOf(obj.bodyValues),
    usedPartIds: new Set(),
    resolveBlob: (blobId) => {
      if (!blobId.startsWith('#')) return blobId;
      const id = refs.resolve(blobId.slice(1));
      if (id === null) unresolved.push(blobId);
      return id ?? blobId;
    },
  };
  const flat = ['textBody', 'htmlBody', 'attachments'].filter((p) => obj[p] !== undefined && obj[p] !== null);
  if (obj.bodyStructure !== undefined && obj.bodyStructure !== null && flat.length > 0)
    throw new Invalid(
      ['bodyStructure', ...flat],
      'bodyStructure excludes textBody, htmlBody and attachments.',
    );
  const body =
    obj.bodyStructure !== undefined && obj.bodyStructure !== null
      ? bodyPart(obj.bodyStructure, 'bodyStructure', ctx, 0)
      : flatBody(obj, ctx);
  if (obj.bodyStructure) {
    // RFC 8621 4.6: the bodyStructure part may not repeat a header field of the Email.
    const top = new Set(headers.fields.map((f) => f.name.toLowerCase()));
    if (body.headers.some((h) => top.has(h.name.toLowerCase())))
      fail('bodyStructure', 'bodyStructure repeats a header field of the Email.');
  }
  const unused = Object.keys(ctx.bodyValues).filter((id) => !ctx.usedPartIds.has(id));
  if (unused.length > 0) fail('bodyValues', `bodyValues not referenced by any part: ${unused.join(', ')}.`);
  if (unresolved.length > 0) throw new BlobRefError(unresolved);
  return {
    creationId,
    mailboxIds: [...new Set(mailboxIds as string[])],
    keywords: keywords!,
    receivedAt,
    message: { headers: headers.fields, body },
  };
}
