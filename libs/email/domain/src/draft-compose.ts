/**
 * A checked draft → the ComposeInput of the MIME writer (@jmap/mime composeMessage), with the blob parts'
 * octets filled in, and the Date and Message-ID fields added when the draft has none (RFC 8621 4.6: "the
 * server MUST generate and set a Message-ID header field ... and a Date header field"). Pure: the id and the
 * time come in through `meta`.
 */
import type { DraftMessage, DraftPart } from '@jmap/email-contracts';
import { composeMessage, dateValue, messageIdsValue, type ComposePart } from '@jmap/mime';

export interface ComposeMeta {
  /** A unique left part for a Message-ID ("<left>@<domain>"). */
  uniqueId: string;
  now: Date;
}

/** The blob ids a draft's parts name. */
export function draftBlobIds(part: DraftPart): string[] {
  if (part.subParts) return part.subParts.flatMap(draftBlobIds);
  return part.blobId ? [part.blobId] : [];
}

function toComposePart(part: DraftPart, contents: ReadonlyMap<string, Buffer>): ComposePart {
  const { type, charset, name, disposition, cid, language, location, headers } = part;
  const base: ComposePart = { type, charset, name, disposition, cid, language, location, headers };
  if (part.subParts) return { ...base, subParts: part.subParts.map((p) => toComposePart(p, contents)) };
  if (part.text !== undefined) return { ...base, content: Buffer.from(part.text, 'utf8') };
  const data = contents.get(part.blobId!);
  if (!data) throw new Error(`content of ${part.blobId} missing`);
  return { ...base, content: data, exact: true };
}

/** The domain of the first From address, for the Message-ID; a fixed name when there is none. */
function idDomain(message: DraftMessage): string {
  const from = message.headers.find((h) => h.name.toLowerCase() === 'from')?.value ?? '';
  const m = /@([A-Za-z0-9.-]+)/.exec(from);
  return m ? m[1].toLowerCase() : 'jmap.invalid';
}

export function composeDraft(
  message: DraftMessage,
  contents: ReadonlyMap<string, Buffer>,
  meta: ComposeMeta,
): Buffer {
  const headers = [...message.headers];
  const has = (name: string) => headers.some((h) => h.name.toLowerCase() === name);
  if (!has('date')) headers.push({ name: 'Date', value: dateValue(meta.now.toISOString())! });
  if (!has('message-id'))
    headers.push({ name: 'Message-ID', value: messageIdsValue([`${meta.uniqueId}@${idDomain(message)}`]) });
  return composeMessage({ headers, body: toComposePart(message.body, contents) });
}
