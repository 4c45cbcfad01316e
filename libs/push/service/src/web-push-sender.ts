/**
 * POSTs one push message to a subscription URL (RFC 8620 section 7.2, RFC 8030 section 5): JSON, encrypted per
 * RFC 8291 (aes128gcm, with the subscription's p256dh/auth keys) when the subscription has keys, with TTL and
 * Urgency headers. Connections go only to addresses the SSRF policy allows (checked at connect time), no
 * redirects are followed, and the answer is classified for the delivery queue.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import webpush from 'web-push';
import { guardedLookup, PushUrlRefused } from '@jmap/push-data-access';
import { checkPushUrlShape, type PushUrlPolicy } from '@jmap/push-domain';

export type PostOutcome =
  | { kind: 'ok' }
  /** 404 or 410: the push service no longer knows the subscription (RFC 8030 section 7.3). */
  | { kind: 'gone'; status: number }
  /** Worth another try: 429, 5xx, timeouts, network errors. */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** Will not get better: other 4xx, a refused address. */
  | { kind: 'fail'; reason: string };

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushTarget {
  url: string;
  keys: { p256dh: string; auth: string } | null;
}

export interface SenderOptions {
  policy: PushUrlPolicy;
  ttlSeconds: number;
  timeoutMs: number;
}

/** RFC 8291 message encryption: the aes128gcm body (header with salt, record size and sender key, then the record). */
export function encryptPayload(keys: { p256dh: string; auth: string }, payload: Buffer): Buffer {
  return webpush.encrypt(keys.p256dh, keys.auth, payload, 'aes128gcm').cipherText;
}

export class WebPushSender {
  private readonly lookup;

  constructor(private readonly options: SenderOptions) {
    this.lookup = guardedLookup(options.policy);
  }

  async post(target: PushTarget, message: unknown, urgency: Urgency = 'normal'): Promise<PostOutcome> {
    const shape = checkPushUrlShape(target.url, this.options.policy);
    if (!shape.ok) return { kind: 'fail', reason: shape.reason };
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    const body = target.keys ? encryptPayload(target.keys, json) : json;
    const headers: Record<string, string> = {
      'content-type': target.keys ? 'application/octet-stream' : 'application/json',
      'content-length': String(body.length),
      ttl: String(this.options.ttlSeconds),
      urgency,
      ...(target.keys ? { 'content-encoding': 'aes128gcm' } : {}),
    };
    const request = shape.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<PostOutcome>((resolve) => {
      const req = request(shape.url, { method: 'POST', headers, lookup: this.lookup, timeout: this.options.timeoutMs }, (res) => {
        res.resume();
        res.once('end', () => resolve(classify(res)));
        res.once('error', () => resolve(classify(res)));
      });
      req.once('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.once('error', (err) => {
        resolve(err instanceof PushUrlRefused ? { kind: 'fail', reason: err.message } : { kind: 'retry', reason: err.message });
      });
      req.end(body);
    });
  }
}

function classify(res: IncomingMessage): PostOutcome {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500 || status === 408) {
    const retryAfter = Number(res.headers['retry-after']);
    return { kind: 'retry', reason: `HTTP ${status}`, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { afterMs: retryAfter * 1000 } : {}) };
  }
  return { kind: 'fail', reason: `HTTP ${status}` };
}
