/**
 * Plain node:http requests for e2e tests that fetch cannot express: responses read exactly as sent (no
 * transparent decompression), and requests whose body is held back so that they stay in flight as long as the
 * test wants (for the concurrency limits).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const held = heldRequest(url, { ...options, body: options.body ?? Buffer.alloc(0) }, 0);
  return held.finish();
}

export interface HeldRequest {
  /** Resolves once the headers and the first part of the body are on the wire. */
  readonly started: Promise<void>;
  /** The response, whenever the server sends it (early for a rejected request). */
  readonly response: Promise<RawResponse>;
  /** Sends the rest of the body and waits for the response. */
  finish(): Promise<RawResponse>;
  abort(): void;
}

/**
 * Starts a request with its whole Content-Length announced but only `firstBytes` of the body sent: to the server
 * it is a client still uploading, and it stays in flight until `finish()`.
 */
export function heldRequest(
  url: string,
  options: RawRequestOptions & { body: Buffer | string },
  firstBytes = 1,
): HeldRequest {
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const req = httpRequest(url, {
    method: options.method ?? 'POST',
    headers: { ...options.headers, 'content-length': String(body.length) },
    agent: false,
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  // A server that answers before the body is complete may close the connection under the rest of it.
  response.catch(() => undefined);
  const head = body.subarray(0, Math.min(firstBytes, body.length));
  const started = new Promise<void>((resolve) => {
    if (head.length > 0) req.write(head, () => resolve());
    else {
      req.flushHeaders();
      resolve();
    }
  });
  let finished: Promise<RawResponse> | undefined;
  return {
    started,
    response,
    finish() {
      finished ??= started.then(() => {
        if (!req.destroyed) req.end(body.subarray(head.length));
        return response;
      });
      return finished;
    },
    abort: () => req.destroy(),
  };
}
