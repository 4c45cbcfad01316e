/**
 * POST /jmap/upload/{accountId}/ (RFC 8620 section 6.1): stores the body as a blob of the account and answers
 * 201 {accountId, blobId, type, size}. `type` is the request's Content-Type as sent (parameters kept, no
 * sniffing: rfc-clarifications Q13); without one it is application/octet-stream.
 *
 * Limits: maxConcurrentUpload per account is checked when the headers arrive, before the body is read, and the
 * slot is held until the response is finished. maxSizeUpload is the route's body limit: a larger body is
 * answered 413 with the limit problem before anything is stored (the gateway's error handler).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore } from '@jmap/blob-store';
import { storeBlob } from '@jmap/blobs';
import { ConcurrencyLimiter, sendProblem, type GatewayConfig, type RequestAuth } from '@jmap/gateway';
import type { Logger, Metrics, Pool } from '@jmap/platform';
import type { AccountAccess } from '@jmap/protocol';
import { accountForRequest } from './blob-access.js';

export interface UploadRouteDeps {
  config: GatewayConfig;
  auth: RequestAuth;
  pool: Pool;
  store: BlobStore;
  metrics: Metrics;
  logger: Logger;
}

export function registerUploadRoute(app: FastifyInstance, deps: UploadRouteDeps): void {
  const limiter = new ConcurrencyLimiter(deps.config.core.maxConcurrentUpload);
  const accounts = new WeakMap<FastifyRequest, AccountAccess>();
  const uploaded = deps.metrics.counter('jmap_upload_bytes_total', 'Octets accepted by the upload endpoint');
  deps.metrics.gauge('jmap_uploads_in_flight', 'Uploads this gateway is receiving now', [], function () {
    this.set(limiter.total);
  });

  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    const account = await accountForRequest(req, reply, deps.auth);
    if (!account) return reply;
    if (account.isReadOnly) {
      return sendProblem(reply, 403, {
        type: 'about:blank',
        title: 'Forbidden',
        detail: 'The account is read-only.',
      });
    }
    if (!limiter.acquireFor(account.accountId, reply)) {
      return sendProblem(reply, 400, {
        type: 'urn:ietf:params:jmap:error:limit',
        limit: 'maxConcurrentUpload',
        detail: `At most ${limiter.max} uploads at once per account.`,
      });
    }
    accounts.set(req, account);
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const account = accounts.get(req)!;
    const data = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    const type = String(req.headers['content-type'] ?? '').trim() || 'application/octet-stream';
    const blob = await storeBlob(deps.pool, deps.store, {
      accountId: account.accountId,
      data,
      expiresInSeconds: deps.config.uploadExpirySeconds,
    });
    uploaded.inc(blob.size);
    deps.logger.info({ accountId: account.accountId, blobId: blob.blobId, size: blob.size }, 'upload stored');
    return reply
      .code(201)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ accountId: account.accountId, blobId: blob.blobId, type, size: blob.size }));
  };

  const options = { onRequest, bodyLimit: deps.config.core.maxSizeUpload };
  app.post('/jmap/upload/:accountId/', options, handler);
  app.post('/jmap/upload/:accountId', options, handler);
}
