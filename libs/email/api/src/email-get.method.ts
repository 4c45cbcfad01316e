/**
 * Email/get (RFC 8621 4.2). Everything but bodyValues comes from the read model (only the columns the requested
 * properties need); bodyValues are decoded from the raw message in the blob store at the offsets the read model
 * recorded. The state is read before the rows, so it never runs ahead of them (invariant 4). When only metadata,
 * convenience headers and the preview are asked for (what a client lists and syncs), the objects are made
 * straight from the rows, without the record and view steps.
 */
import type { BlobStore } from '@jmap/blob-store';
import { sha256OfBlobId } from '@jmap/blobs';
import {
  emailListingObjects,
  emailRecords,
  emailState,
  isListing,
  type EmailField,
  type EmailRecord,
} from '@jmap/email-data-access';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  encodeState,
  getResponse,
  parseGetRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import {
  EMAIL_GET_DEFAULT_PROPERTIES,
  EMAIL_PROPERTIES,
  isHeaderProperty,
  parseBodyProperties,
} from './email-properties.js';
import { bodyValueParts, emailObject, type BodyValueOptions, type ViewOptions } from './email-view.js';

/** Raw messages fetched at once for bodyValues. */
const FETCH_CONCURRENCY = 8;

/** bodyProperties, fetch*BodyValues and maxBodyValueBytes (shared with Email/parse). */
export function parseBodyArgs(args: Args): BodyValueOptions & { bodyProperties: string[] } {
  return {
    bodyProperties: parseBodyProperties(args.strings('bodyProperties')),
    fetchTextBodyValues: args.boolean('fetchTextBodyValues', false),
    fetchHTMLBodyValues: args.boolean('fetchHTMLBodyValues', false),
    fetchAllBodyValues: args.boolean('fetchAllBodyValues', false),
    maxBodyValueBytes: args.unsignedInt('maxBodyValueBytes') ?? 0,
  };
}

/** The read-model fields that the requested properties need. */
function fieldsFor(properties: readonly string[]): Set<EmailField> {
  const fields = new Set<EmailField>(['id']);
  for (const p of properties) {
    if (p.startsWith('header:')) fields.add('headers');
    else if (p === 'bodyValues')
      ['bodyStructure', 'textBody', 'htmlBody', 'blobId'].forEach((f) => fields.add(f as EmailField));
    else if (['textBody', 'htmlBody', 'attachments'].includes(p))
      ['bodyStructure', p].forEach((f) => fields.add(f as EmailField));
    else fields.add(p as EmailField);
  }
  return fields;
}

export class EmailGetMethod implements JmapMethod {
  readonly name = 'Email/get';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly store: BlobStore,
    private readonly maxObjectsInGet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, {
      allProperties: EMAIL_PROPERTIES,
      defaultProperties: EMAIL_GET_DEFAULT_PROPERTIES,
      maxObjectsInGet: this.maxObjectsInGet,
      isDynamicProperty: isHeaderProperty,
    });
    const body = parseBodyArgs(args);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const state = await emailState(this.pool, req.accountId);
    if (isListing(req.properties)) {
      // Only what a client lists and syncs: objects straight from the rows (same values as the view below).
      const objects = await emailListingObjects(
        this.pool,
        req.accountId,
        req.ids,
        req.properties,
        req.maxObjects + 1,
      );
      return { ...getResponse(req, encodeState(state), objects, true) };
    }
    const records = await emailRecords(
      this.pool,
      req.accountId,
      req.ids,
      fieldsFor(req.properties),
      req.maxObjects + 1,
    );
    const options: ViewOptions = { ...body, properties: req.properties };
    const objects = await this.objects(records, options);
    return { ...getResponse(req, encodeState(state), objects) };
  }

  private async objects(
    records: EmailRecord[],
    options: ViewOptions,
  ): Promise<Array<Record<string, unknown> & { id: string }>> {
    const out = new Array<Record<string, unknown> & { id: string }>(records.length);
    const wantsValues = options.properties.includes('bodyValues');
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < records.length; i = next++) {
        const r = records[i];
        const sha = r.blobId ? sha256OfBlobId(r.blobId) : null;
        const raw =
          wantsValues && sha && bodyValueParts(r, options).length > 0 ? await this.store.get(sha) : null;
        out[i] = emailObject(r, options, raw) as Record<string, unknown> & { id: string };
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, records.length) }, worker));
    return out;
  }
}
