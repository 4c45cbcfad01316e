/**
 * The JMAP-over-HTTP expectation of a corpus message (tests/fixtures/email/expected), derived from its reviewed
 * MIME view (tests/fixtures/mime/expected) plus what the server adds at import: the metadata (id, blobId,
 * threadId, mailboxIds, keywords, receivedAt), a blob id on every part, and the part objects of textBody,
 * htmlBody and attachments where the MIME view lists part ids. The MIME view's `problems` (diagnostics, not an
 * Email property) is left out. `$id`, `$threadId` and `$inbox` stand for values known only after the import.
 *
 * Each message is imported with the keywords and receivedAt written in its expectation (a fixed plan that
 * varies them over the corpus), and read back with fetchTextBodyValues, fetchHTMLBodyValues and the MIME
 * corpus's maxBodyValueBytes.
 */
import { createHash } from 'node:crypto';

export interface MimeView {
  size: number;
  bodyStructure: MimePart;
  textBody: string[];
  htmlBody: string[];
  attachments: string[];
  problems: string[];
  [property: string]: unknown;
}

export interface MimePart {
  partId: string | null;
  subParts?: MimePart[];
  [property: string]: unknown;
}

/** The Email/get arguments the expectations are read back with (maxBodyValueBytes as in CORPUS_VIEW_OPTIONS). */
export const READ_BACK = { fetchTextBodyValues: true, fetchHTMLBodyValues: true, maxBodyValueBytes: 4096 };

export function partBlobIdOf(sha256: string, partId: string): string {
  return `P${sha256}_${partId.replace(/\./g, '-')}`;
}

function withBlobIds(part: MimePart, sha256: string): Record<string, unknown> {
  const { subParts, ...rest } = part;
  const out: Record<string, unknown> = {
    ...rest,
    blobId: part.partId === null ? null : partBlobIdOf(sha256, part.partId),
  };
  if (subParts) out.subParts = subParts.map((p) => withBlobIds(p, sha256));
  return out;
}

function leaves(root: Record<string, unknown>, out = new Map<string, Record<string, unknown>>()) {
  const { subParts, ...rest } = root as { subParts?: Record<string, unknown>[]; partId: string | null };
  if (rest.partId !== null) out.set(rest.partId, rest);
  for (const s of subParts ?? []) leaves(s, out);
  return out;
}

/** The import plan of the index-th message: a spread of keywords and a distinct receivedAt. */
export function importPlan(index: number): { keywords: Record<string, true>; receivedAt: string } {
  const keywords: Record<string, true> = {};
  if (index % 3 === 0) keywords.$seen = true;
  if (index % 5 === 0) keywords.$flagged = true;
  if (index % 7 === 0) keywords['$label-corpus'] = true;
  const minute = String(index % 60).padStart(2, '0');
  const hour = String(10 + Math.floor(index / 60)).padStart(2, '0');
  return { keywords, receivedAt: `2025-02-01T${hour}:${minute}:00Z` };
}

export function emailExpectation(raw: Buffer, mime: MimeView, index: number): Record<string, unknown> {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const { problems: _problems, bodyStructure, textBody, htmlBody, attachments, ...props } = mime;
  const tree = withBlobIds(bodyStructure, sha256);
  const byId = leaves(tree);
  const list = (ids: string[]) => ids.map((id) => byId.get(id));
  const plan = importPlan(index);
  return {
    id: '$id',
    blobId: `G${sha256}`,
    threadId: '$threadId',
    mailboxIds: { $inbox: true },
    keywords: plan.keywords,
    receivedAt: plan.receivedAt,
    ...props,
    bodyStructure: tree,
    textBody: list(textBody),
    htmlBody: list(htmlBody),
    attachments: list(attachments),
  };
}
