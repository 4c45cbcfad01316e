import { loadConfig } from '@jmap/platform';
import type { PushUrlPolicy } from '@jmap/push-domain';

/** The push service's settings (env catalog group "push"). */
export interface PushServiceConfig {
  policy: PushUrlPolicy;
  ttlSeconds: number;
  attempts: number;
  retryBaseMs: number;
  failuresBeforeRemoval: number;
  requestTimeoutMs: number;
  /** Longest wait for a background projector before a background type's StateChange is given up. */
  projectionWaitMs: number;
}

export function pushServiceConfigFromEnv(): PushServiceConfig {
  const c = loadConfig([
    'PUSH_ALLOWED_HOSTS',
    'PUSH_TTL_SECONDS',
    'PUSH_DELIVERY_ATTEMPTS',
    'PUSH_RETRY_BASE_MS',
    'PUSH_FAILURES_BEFORE_REMOVAL',
    'PUSH_REQUEST_TIMEOUT_MS',
    'READ_WAIT_TIMEOUT_MS',
  ]);
  return {
    policy: { allowedHosts: new Set((c.PUSH_ALLOWED_HOSTS ?? []).map((h) => h.toLowerCase())) },
    ttlSeconds: c.PUSH_TTL_SECONDS,
    attempts: c.PUSH_DELIVERY_ATTEMPTS,
    retryBaseMs: c.PUSH_RETRY_BASE_MS,
    failuresBeforeRemoval: c.PUSH_FAILURES_BEFORE_REMOVAL,
    requestTimeoutMs: c.PUSH_REQUEST_TIMEOUT_MS,
    projectionWaitMs: c.READ_WAIT_TIMEOUT_MS,
  };
}
