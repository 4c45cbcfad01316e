/**
 * Email/parse (RFC 8621 4.9): parses blobs of the account as messages, at the gateway and read-only. A blob may
 * be an upload ("G…") or a part of a message ("P…", e.g. an attached message/rfc822): the parsed email's blobId is
 * the given id and its parts' blob ids extend it, so they can be downloaded and parsed in turn. id, mailboxIds,
 * keywords and receivedAt are null; threadId is null too (the thread is only decided at import).
 *
 * notFound: the account cannot read such a blob. notParsable: the octets have no header field at all (anything
 * else is parsed on a best-effort basis, rfc-clarifications Q16).
 */
import { BlobNotFoundError, type BlobStore } from '@jmap/blob-store';
import { partBlobId, readBlob } from '@jmap/blobs';
import { isParsableMessage, messageFacts } from '@jmap/email-domain';
import type { Pool } from '@jmap/platform';
import { Args, MAIL, MethodError, requireAccount, type JmapMethod, type MethodContext } from '@jmap/protocol';
import { parseBodyArgs } from './email-get.method.js';
import { EMAIL_PARSE_DEFAULT_PROPERTIES, EMAIL_PROPERTIES, isHeaderProperty } from './email-properties.js';
import { emailObject, type ViewOptions } from './email-view.js';

export class EmailParseMethod implements JmapMethod {
  readonly name = 'Email/parse';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly store: BlobStore,
    private readonly maxBlobs: number,
  ) {}

  private properties(requested: string[] | null): string[] {
    if (requested === null) return EMAIL_PARSE_DEFAULT_PROPERTIES;
    const known = new Set<string>(EMAIL_PROPERTIES);
    const unknown = requested.filter((p) => !known.has(p) && !isHeaderProperty(p));
    if (unknown.length > 0)
      throw new MethodError('invalidArguments', `Unknown properties: ${unknown.join(', ')}.`);
    return [...new Set(requested)];
  }

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const accountId = args.requiredId('accountId');
    const blobIds = args.ids('blobIds', true)!;
    const properties = this.properties(args.strings('properties'));
    const options: ViewOptions = { ...parseBodyArgs(args), properties };
    args.done();
    requireAccount(ctx, accountId, MAIL);
    if (blobIds.length > this.maxBlobs) {
      throw new MethodError(
        'requestTooLarge',
        `At most ${this.maxBlobs} blobs per Email/parse (maxObjectsInGet).`,
      );
    }
    const parsed: Record<string, Record<string, unknown>> = {};
    const notParsable: string[] = [];
    const notFound: string[] = [];
    for (const blobId of blobIds) {
      // A row whose object is missing answers like a missing blob (the download route logs it).
      const blob = await readBlob(this.pool, this.store, accountId, blobId).catch((err: unknown) => {
        if (err instanceof BlobNotFoundError) return null;
        throw err;
      });
      if (!blob) {
        notFound.push(blobId);
        continue;
      }
      const facts = messageFacts(blob.data, (partId) => partBlobId(blobId, partId));
      if (!isParsableMessage(facts)) {
        notParsable.push(blobId);
        continue;
      }
      const email = {
        ...facts,
        id: null,
        blobId,
        threadId: null,
        mailboxIds: null,
        keywords: null,
        receivedAt: null,
      };
      parsed[blobId] = emailObject(email, options, blob.data);
    }
    return {
      accountId,
      parsed: Object.keys(parsed).length > 0 ? parsed : null,
      notParsable: notParsable.length > 0 ? notParsable : null,
      notFound: notFound.length > 0 ? notFound : null,
    };
  }
}
