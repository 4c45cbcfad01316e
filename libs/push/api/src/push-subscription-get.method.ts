import type { Pool } from '@jmap/platform';
import { Args, CORE, MethodError, pickProperties, type JmapMethod, type MethodContext } from '@jmap/protocol';
import { PushSubscriptionRepository } from '@jmap/push-data-access';
import {
  PUSH_SUBSCRIPTION_DEFAULT_PROPERTIES,
  PUSH_SUBSCRIPTION_PRIVATE,
  PUSH_SUBSCRIPTION_PROPERTIES,
  toPushSubscriptionObject,
} from '@jmap/push-domain';

/**
 * PushSubscription/get (RFC 8620 section 7.2.1): the caller's own subscriptions, no accountId and no state;
 * `url` and `keys` are never returned and asking for them is forbidden.
 */
export class PushSubscriptionGetMethod implements JmapMethod {
  readonly name = 'PushSubscription/get';
  readonly capability = CORE;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const ids = args.ids('ids');
    const requested = args.strings('properties');
    args.done();
    let properties = PUSH_SUBSCRIPTION_DEFAULT_PROPERTIES;
    if (requested !== null) {
      const known = new Set<string>(PUSH_SUBSCRIPTION_PROPERTIES);
      const unknown = requested.filter((p) => !known.has(p));
      if (unknown.length > 0) throw new MethodError('invalidArguments', `Unknown properties: ${unknown.join(', ')}.`);
      const secret = requested.filter((p) => (PUSH_SUBSCRIPTION_PRIVATE as readonly string[]).includes(p));
      if (secret.length > 0) throw new MethodError('forbidden', `${secret.join(' and ')} of a PushSubscription are never returned.`);
      properties = [...new Set(['id', ...requested])];
    }
    const records = await new PushSubscriptionRepository(this.pool).list(ctx.principal.id, ids);
    const list = records.map((r) => pickProperties(toPushSubscriptionObject(r), properties));
    const found = new Set(records.map((r) => r.id));
    return { list, notFound: ids ? ids.filter((id) => !found.has(id)) : [] };
  }
}
