/**
 * A JMAP API client for latency benchmarks: one keep-alive connection through node:http, the body inflated
 * with node:zlib when the gateway compressed it. Node's fetch (undici) adds about 0.5-1.3 ms per request on the
 * 2-core machine (a Core/echo measured both ways, docs/benchmarks.md), which is the client's cost, not the
 * server's; a mail client keeps a connection open the same way. Accept-Encoding defaults to what browsers and
 * fetch send, so responses are compressed as they would be for them.
 */
import http from 'node:http';
import zlib from 'node:zlib';

export interface BenchResponse {
  status: number;
  body: Record<string, unknown>;
  /** Octets on the wire (compressed when the gateway compressed). */
  wireBytes: number;
}

export class BenchHttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;
  private readonly authorization: string;

  constructor(baseUrl: string, credentials: { email: string; password: string }) {
    this.url = new URL('/jmap/api/', baseUrl);
    this.authorization = `Basic ${Buffer.from(`${credentials.email}:${credentials.password}`).toString('base64')}`;
  }

  api(request: unknown, acceptEncoding = 'gzip, deflate, br'): Promise<BenchResponse> {
    const body = JSON.stringify(request);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: this.url.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: this.authorization,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'accept-encoding': acceptEncoding,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const wire = Buffer.concat(chunks);
              const encoding = res.headers['content-encoding'];
              const plain =
                encoding === 'br'
                  ? zlib.brotliDecompressSync(wire)
                  : encoding === 'gzip'
                    ? zlib.gunzipSync(wire)
                    : encoding === 'deflate'
                      ? zlib.inflateSync(wire)
                      : wire;
              const text = plain.toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                body: text ? JSON.parse(text) : {},
                wireBytes: wire.length,
              });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
