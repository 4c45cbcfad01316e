import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebPushSender } from './web-push-sender.js';

const sender = (allowed: string[] = []) => new WebPushSender({ policy: { allowedHosts: new Set(allowed) }, ttlSeconds: 60, timeoutMs: 2000 });

describe('WebPushSender', () => {
  it('refuses at connect time a name that resolves to loopback (DNS rebinding after the create-time check)', async () => {
    expect(await sender().post({ url: 'https://localhost:9/push', keys: null }, {})).toMatchObject({ kind: 'fail', reason: expect.stringMatching(/non-public/) });
  });

  it('refuses private address literals and plain http unless allow-listed', async () => {
    expect(await sender().post({ url: 'https://127.0.0.1:9/push', keys: null }, {})).toMatchObject({ kind: 'fail' });
    expect(await sender().post({ url: 'http://93.184.216.34/push', keys: null }, {})).toMatchObject({ kind: 'fail' });
  });

  it('POSTs JSON with TTL and Urgency to an allow-listed host and classifies the answers', async () => {
    const statuses = [201, 410, 429, 400];
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.statusCode = statuses.shift()!;
      if (res.statusCode === 429) res.setHeader('retry-after', '7');
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/p`;
    const s = sender(['127.0.0.1']);
    expect(await s.post({ url, keys: null }, { a: 1 }, 'high')).toEqual({ kind: 'ok' });
    expect(seen[0]).toMatchObject({ ttl: '60', urgency: 'high', 'content-type': 'application/json' });
    expect(await s.post({ url, keys: null }, {})).toEqual({ kind: 'gone', status: 410 });
    expect(await s.post({ url, keys: null }, {})).toEqual({ kind: 'retry', reason: 'HTTP 429', afterMs: 7000 });
    expect(await s.post({ url, keys: null }, {})).toEqual({ kind: 'fail', reason: 'HTTP 400' });
    server.close();
  });
});
