/**
 * Which principals' remembered authentication answers are still current (ADR 0011). A gateway answers a request
 * whose credentials it verified before from memory: the principal and the accounts it may use, as last read from
 * PostgreSQL. Migration 0065's triggers notify channel `jmap_access`, after commit, with the principal a change
 * concerns ('*': anyone) whenever principals, accounts, account_access or api_tokens change; this class LISTENs
 * on a connection of its own and tells whether an answer read at some moment may be used now.
 *
 * Freshness is decided by stamps: a reader takes `stamp()` before it reads the database and keeps the answer with
 * it. The answer stays fresh while the connection has listened without a break since the stamp and no
 * notification for its principal (or for all) arrived after it. A notification that arrives while the read is in
 * flight therefore makes that read's answer stale at once: a change committed during the read is never missed.
 *
 * Long-lived connections (EventSource, WebSocket) `watch` their principal: the watcher is called when a change
 * concerning it is reported, and for every principal when the connection listens again after a loss (what changed
 * meanwhile is unknown), so that such a connection can check its credentials and accounts again.
 *
 * When the connection is down, or a heartbeat (a notification this process sends itself through the pool every
 * `heartbeatMs`) has not come back within `heartbeatMs`, nothing is fresh: every request reads the database, as
 * without memory, until the connection listens again. A change therefore reaches a gateway's answers once
 * PostgreSQL has delivered its notification (normally within a millisecond of the commit), or at the latest
 * when a stalled connection is given up.
 */
import { randomUUID } from 'node:crypto';
import { createListenClient, type ListenClient, type Logger, type Pool } from '@jmap/platform';

export const ACCESS_CHANNEL = 'jmap_access';
/** More principals changed than this between two full invalidations: forget them all at once instead. */
const CHANGED_MAX = 10_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export interface AccessChangesOptions {
  /** How often the listening connection proves it still receives notifications; also how long a proof may take. */
  heartbeatMs?: number;
  applicationName?: string;
}

export class AccessChanges {
  private counter = 1;
  /** Stamps below this are stale for every principal. */
  private allBefore = 1;
  /** principal id → the counter when a change to it was last reported. */
  private readonly changed = new Map<string, number>();
  private client: ListenClient | null = null;
  private listening = false;
  private stopped = true;
  private reconnectMs = RECONNECT_MIN_MS;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly nonce = randomUUID();
  private proofs = 0;
  private readonly waiting = new Map<string, () => void>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly heartbeatMs: number;
  private readonly applicationName: string;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    options: AccessChangesOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.applicationName = options.applicationName ?? 'jmap-access-listener';
  }

  /** True while the connection listens (and its last heartbeat came back). */
  get isListening(): boolean {
    return this.listening;
  }

  /** Starts listening in the background; until it does, nothing is fresh. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    if (client) this.lost(client);
  }

  /** Calls `listener` whenever a change concerning `principalId` may have happened; returns the way to stop. */
  watch(principalId: string, listener: () => void): () => void {
    let set = this.watchers.get(principalId);
    if (!set) this.watchers.set(principalId, (set = new Set()));
    set.add(listener);
    const watching = set;
    return () => {
      watching.delete(listener);
      if (watching.size === 0 && this.watchers.get(principalId) === watching)
        this.watchers.delete(principalId);
    };
  }

  /** Take before reading what an answer is made of; keep the answer with it. 0 (never fresh) while not listening. */
  stamp(): number {
    return this.listening ? this.counter : 0;
  }

  /** Whether an answer about `principalId` read after taking `stamp` may still be used. */
  isFresh(principalId: string, stamp: number): boolean {
    return this.listening && stamp >= this.allBefore && stamp >= (this.changed.get(principalId) ?? 0);
  }

  /**
   * Resolves true once every notification committed before the call has been applied here (a notification sent
   * through the pool came back: PostgreSQL delivers them in commit order); false when not listening or past
   * `timeoutMs`.
   */
  async sync(timeoutMs = this.heartbeatMs): Promise<boolean> {
    if (!this.listening) return false;
    const payload = `sync:${this.nonce}:${++this.proofs}`;
    let timer: NodeJS.Timeout | undefined;
    const back = new Promise<boolean>((resolve) => {
      this.waiting.set(payload, () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
      // Not awaited on its own: on a stalled network the statement may never answer.
      this.pool.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, payload]).catch(() => resolve(false));
    });
    try {
      return await back;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(payload);
    }
  }

  private invalidateAll(): void {
    this.counter++;
    this.allBefore = this.counter;
    this.changed.clear();
  }

  private onNotification(payload: string): void {
    if (payload.startsWith('sync:')) {
      this.waiting.get(payload)?.();
      return;
    }
    if (payload === '*' || this.changed.size >= CHANGED_MAX) {
      this.invalidateAll();
    } else {
      this.counter++;
      this.changed.set(payload, this.counter);
    }
    this.tellWatchers(payload === '*' ? null : payload);
  }

  /** Calls the watchers of one principal, or of all (null). */
  private tellWatchers(principalId: string | null): void {
    const sets = principalId === null ? [...this.watchers.values()] : [this.watchers.get(principalId)];
    for (const set of sets) {
      for (const listener of set ? [...set] : []) {
        try {
          listener();
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'an access-change watcher failed');
        }
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = createListenClient(this.pool, this.applicationName);
    this.client = client;
    client.on('notification', (n) => {
      if (this.client === client) this.onNotification(n.payload ?? '*');
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANNEL}`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.client !== client) return;
    this.invalidateAll();
    this.listening = true;
    this.reconnectMs = RECONNECT_MIN_MS;
    this.logger.info({ channel: ACCESS_CHANNEL }, 'listening for access changes');
    // Whatever changed while nobody listened: every watcher checks again.
    this.tellWatchers(null);
    this.heartbeat = setInterval(() => {
      void this.sync().then((ok) => {
        if (!ok && this.client === client)
          this.lost(client, new Error('heartbeat notification did not come back'));
      });
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Gives up a connection: nothing read before is fresh any more; a new connection follows unless stopped. */
  private lost(client: ListenClient, err?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.invalidateAll();
    clearInterval(this.heartbeat);
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(
      { err: err?.message, retryInMs: this.reconnectMs },
      'not listening for access changes: every request reads its principal from the database until it listens again',
    );
    this.retry = setTimeout(() => void this.connect(), this.reconnectMs);
    this.retry.unref();
    this.reconnectMs = Math.min(RECONNECT_MAX_MS, this.reconnectMs * 2);
  }
}
