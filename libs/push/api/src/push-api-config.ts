import { loadConfig } from '@jmap/platform';
import type { PushUrlPolicy } from '@jmap/push-domain';

/** The gateway's push settings (env catalog group "push"). */
export interface PushApiConfig {
  policy: PushUrlPolicy;
  maxSubscriptions: number;
  subscriptionMaxDays: number;
  minPingSeconds: number;
  tokenTtlSeconds: number;
}

export function pushApiConfigFromEnv(): PushApiConfig {
  const c = loadConfig([
    'PUSH_ALLOWED_HOSTS',
    'PUSH_MAX_SUBSCRIPTIONS',
    'PUSH_SUBSCRIPTION_MAX_DAYS',
    'EVENTSOURCE_MIN_PING_SECONDS',
    'EVENTSOURCE_TOKEN_TTL_SECONDS',
  ]);
  return {
    policy: { allowedHosts: new Set((c.PUSH_ALLOWED_HOSTS ?? []).map((h) => h.toLowerCase())) },
    maxSubscriptions: c.PUSH_MAX_SUBSCRIPTIONS,
    subscriptionMaxDays: c.PUSH_SUBSCRIPTION_MAX_DAYS,
    minPingSeconds: c.EVENTSOURCE_MIN_PING_SECONDS,
    tokenTtlSeconds: c.EVENTSOURCE_TOKEN_TTL_SECONDS,
  };
}
