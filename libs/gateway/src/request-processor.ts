/**
 * Processing of one JMAP Request (RFC 8620 section 3), shared by the HTTP API endpoint and the WebSocket
 * (RFC 8887 section 4.3.2): validation into a RequestError, dispatch of the method calls with metrics and
 * logging, and the Response object. maxConcurrentRequests counts HTTP and WebSocket requests together (one
 * limiter per gateway replica, RFC 8887 section 4.3.2).
 */
import type { Logger, Metrics } from '@jmap/platform';
import { withLogContext } from '@jmap/platform';
import { dispatch, validateRequest, type MethodRegistry } from '@jmap/protocol';
import type { CapabilityRegistry } from './capability.registry.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import type { GatewayConfig } from './gateway-config.js';
import type { AuthedRequest } from './request-auth.js';
import { buildSession } from './session.js';

const SESSION_STATES_MAX = 10_000;

export class RequestProcessor {
  readonly limiter: ConcurrencyLimiter;
  private readonly calls;
  private readonly duration;
  private readonly sessionStates = new Map<string, string>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly methods: MethodRegistry,
    private readonly capabilities: CapabilityRegistry,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    const limiter = (this.limiter = new ConcurrencyLimiter(config.core.maxConcurrentRequests));
    metrics.gauge('jmap_api_requests_in_flight', 'API requests this gateway is processing now', [], function () {
      this.set(limiter.total);
    });
    this.calls = metrics.counter('jmap_method_calls_total', 'JMAP method calls, by method and outcome', ['method', 'outcome']);
    this.duration = metrics.histogram('jmap_method_duration_seconds', 'JMAP method call duration', ['method']);
  }

  /**
   * The Session's state for this principal and accounts. It hashes the whole Session object, which only changes
   * with the username, the accounts and their access (the capabilities are fixed once the gateway runs), so it
   * is remembered by those instead of being rebuilt and hashed on every request.
   */
  private sessionState(who: AuthedRequest, baseUrl: string): string {
    const key = JSON.stringify([who.principal.email, who.accounts]);
    let state = this.sessionStates.get(key);
    if (state === undefined) {
      state = buildSession(who.principal, who.accounts, this.capabilities, baseUrl).state;
      if (this.sessionStates.size >= SESSION_STATES_MAX) this.sessionStates.clear();
      this.sessionStates.set(key, state);
    }
    return state;
  }

  /**
   * Validates and runs a parsed Request for an authenticated principal; returns the Response object. Throws
   * RequestError for request-level errors (notRequest, unknownCapability, limit).
   */
  async process(value: unknown, who: AuthedRequest, requestId: string, baseUrl: string): Promise<Record<string, unknown>> {
    return withLogContext({ requestId }, async () => {
      const request = validateRequest(value, {
        knownCapabilities: this.capabilities.urns,
        maxCallsInRequest: this.config.core.maxCallsInRequest,
      });
      const result = await dispatch(this.methods, request, {
        requestId,
        principal: { id: who.principal.id, username: who.principal.email },
        accounts: who.access,
        onServerError: (err, method) => this.logger.error({ err, method }, 'method failed'),
        onMethodDone: (method, outcome, seconds) => {
          this.calls.inc({ method, outcome });
          this.duration.observe({ method }, seconds);
        },
      });
      const response: Record<string, unknown> = { methodResponses: result.methodResponses, sessionState: this.sessionState(who, baseUrl) };
      if (request.createdIds !== undefined) response.createdIds = Object.fromEntries(result.createdIds);
      return response;
    });
  }
}
