/**
 * Counts requests in flight per key (principal or account) for maxConcurrentRequests and maxConcurrentUpload
 * (RFC 8620 section 2). A slot is held from the moment the request's headers arrive until its response is
 * finished or the connection drops, so a slowly sent body counts as in flight. The count is per gateway
 * process: with N replicas behind a balancer a client can reach at most N times the limit.
 */
import type { FastifyReply } from 'fastify';

export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot for `key` and gives it back when the reply's connection closes; false when none is free. */
  acquireFor(key: string, reply: FastifyReply): boolean {
    const release = this.tryAcquire(key);
    if (!release) return false;
    reply.raw.once('close', release);
    return true;
  }

  /** Takes a slot for `key`; the returned function gives it back (once, however often called). Null when none is free. */
  tryAcquire(key: string): (() => void) | null {
    const running = this.inFlight.get(key) ?? 0;
    if (running >= this.max) return null;
    this.inFlight.set(key, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(key) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, n);
    };
  }

  running(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Slots held over all keys. */
  get total(): number {
    let n = 0;
    for (const v of this.inFlight.values()) n += v;
    return n;
  }
}
