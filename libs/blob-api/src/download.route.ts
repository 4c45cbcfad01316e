/**
 * GET /jmap/download/{accountId}/{blobId}/{name}?type={type} (RFC 8620 section 6.2). Content-Type is exactly the
 * `type` parameter (rfc-clarifications Q14; application/octet-stream when absent), Content-Disposition carries
 * `name`, and since a blob never changes the answer is cacheable for good: a strong ETag (the blob id),
 * `Cache-Control: private, immutable, max-age=31536000`, 304 for a matching If-None-Match. One byte range per
 * request is served (206, or 416 past the end). Compression is off here: byte ranges address the blob's octets.
 * A part blob ("P…", RFC 8621 4.1.4 EmailBodyPart.blobId) is served like any other, decoded from its message
 * (blob-source.ts), and readable exactly when the message is.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BlobNotFoundError, type BlobStore } from '@jmap/blob-store';
import { sendProblem, type RequestAuth } from '@jmap/gateway';
import type { Logger, Pool } from '@jmap/platform';
import { accountForRequest, sendNotFound } from './blob-access.js';
import { blobSource, type BlobSource } from './blob-source.js';
import { contentDisposition, etagListMatches, isSafeHeaderValue, parseRange } from './http-binary.js';

export interface DownloadRouteDeps {
  auth: RequestAuth;
  pool: Pool;
  store: BlobStore;
  logger: Logger;
}

const IMMUTABLE = 'private, immutable, max-age=31536000';

export function registerDownloadRoute(app: FastifyInstance, deps: DownloadRouteDeps): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const account = await accountForRequest(req, reply, deps.auth);
    if (!account) return reply;
    const { blobId, name } = req.params as { blobId: string; name: string };
    const query = req.query as Record<string, string | string[] | undefined>;
    const type =
      typeof query.type === 'string' && query.type !== '' ? query.type : 'application/octet-stream';
    if (!isSafeHeaderValue(type)) {
      return sendProblem(reply, 400, {
        type: 'about:blank',
        title: 'Bad Request',
        detail: 'The "type" parameter is not a media type.',
      });
    }
    let blob: BlobSource | null;
    try {
      blob = await blobSource(deps.pool, deps.store, account.accountId, blobId);
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
      deps.logger.error({ accountId: account.accountId, blobId }, 'blob row without a stored object');
      blob = null;
    }
    if (!blob) return sendNotFound(reply);

    const etag = `"${blobId}"`;
    reply.header('etag', etag).header('cache-control', IMMUTABLE).header('vary', 'Authorization');
    if (etagListMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();

    const ifRange = req.headers['if-range'];
    // If-Range compares strongly (RFC 7233 section 3.2); a date or another tag sends the whole blob.
    const range =
      ifRange === undefined || String(ifRange).trim() === etag
        ? parseRange(req.headers.range, blob.size)
        : { kind: 'none' as const };
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${blob.size}`);
      return sendProblem(reply, 416, {
        type: 'about:blank',
        title: 'Range Not Satisfiable',
        detail: `The blob has ${blob.size} octets.`,
      });
    }
    reply
      .header('content-type', type)
      .header('content-disposition', contentDisposition(name))
      .header('x-content-type-options', 'nosniff')
      .header('accept-ranges', 'bytes');
    const [status, start, end] =
      range.kind === 'range' ? [206, range.start, range.end] : [200, 0, blob.size - 1];
    const length = Math.max(0, end - start + 1);
    reply.code(status).header('content-length', String(length));
    if (status === 206) reply.header('content-range', `bytes ${start}-${end}/${blob.size}`);
    // HEAD: an empty stream keeps our Content-Length (Fastify's HEAD route rewrites it for an empty body).
    if (req.method === 'HEAD') return reply.send(Readable.from([]));
    if (length === 0) return reply.send();
    let body: Readable;
    try {
      body = await blob.open(start, end);
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
      // A row without its object breaks invariant 6: say so loudly, answer like a missing blob.
      deps.logger.error({ accountId: account.accountId, blobId }, 'blob row without a stored object');
      reply.removeHeader('content-disposition');
      reply.removeHeader('content-length');
      reply.removeHeader('content-range');
      return sendNotFound(reply.code(404));
    }
    return reply.send(body);
  };
  app.get('/jmap/download/:accountId/:blobId/:name', { compress: false }, handler);
}
