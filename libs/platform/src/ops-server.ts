/**
 * The ops port every service serves: /healthz (liveness: the event loop answers), /readyz (readiness: the
 * dependencies answer; 503 names the failing ones) and /metrics (Prometheus text format).
 * Plain node:http so that it keeps answering even while the main server is saturated or shutting down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export class OpsServer {
  private server?: Server;

  constructor(
    private readonly health: Health,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async listen(port: number, host: string): Promise<number> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      if (path === '/readyz') {
        this.health
          .readiness()
          .then((report) => {
            const failing = Object.entries(report.checks)
              .filter(([, c]) => !c.ok)
              .map(([n]) => n);
            const body = { status: report.ready ? 'ready' : 'unavailable', failing, checks: report.checks };
            res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          })
          .catch((err: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
          });
        return;
      }
      if (path === '/metrics') {
        this.metrics
          .text()
          .then((text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text))
          .catch((err: unknown) => {
            this.logger.error({ err }, 'metrics collection failed');
            res.writeHead(500).end();
          });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const actual = (this.server.address() as AddressInfo).port;
    this.logger.info({ opsPort: actual, opsHost: host }, 'ops server listening');
    return actual;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
