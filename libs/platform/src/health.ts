/**
 * Readiness: each dependency a service needs registers a check; /readyz answers 503 naming every failing one.
 * Checks run with a timeout so that a hung dependency reads as down instead of hanging the probe.
 */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export class Health {
  private readonly checks: HealthCheck[] = [];
  private shuttingDown = false;

  constructor(private readonly timeoutMs = 2000) {}

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  /** After SIGTERM the service reports not ready so that load balancers stop sending it work. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
            }),
          ]);
          return [c.name, { ok: true }] as const;
        } catch (err) {
          return [c.name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks: ReadinessReport['checks'] = Object.fromEntries(results);
    if (this.shuttingDown) checks.shutdown = { ok: false, error: 'shutting down' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
