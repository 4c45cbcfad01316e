import { randomBytes } from 'node:crypto';
import type { AccountsRepository } from '@jmap/accounts';
import { sendCommand } from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import type { Pool } from '@jmap/platform';
import { Args, CORE, MethodError, isPlainObject, setError, type JmapMethod, type MethodContext, type SetError } from '@jmap/protocol';
import { checkPushUrl, PushSubscriptionRepository } from '@jmap/push-data-access';
import {
  isSetError,
  parseCreate,
  parseUpdate,
  PUSH_SERVICE,
  PushCommandTypes,
  type SendVerificationPayload,
  type SendVerificationReply,
} from '@jmap/push-domain';
import type { PushApiConfig } from './push-api-config.js';

const utc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * PushSubscription/set (RFC 8620 section 7.2.2): no accountId, ifInState or states. A create stores the
 * subscription unverified and asks the push service to POST the PushVerification to its URL; URLs that are
 * not public https (SSRF guard, unless allow-listed) are refused at once (rfc-clarifications Q21), and a user
 * has at most PUSH_MAX_SUBSCRIPTIONS (overQuota). An update sets the verification code (a wrong one is
 * invalidProperties), `expires` (clamped) or `types`.
 */
export class PushSubscriptionSetMethod implements JmapMethod {
  readonly name = 'PushSubscription/set';
  readonly capability = CORE;

  constructor(
    private readonly pool: Pool,
    private readonly accounts: AccountsRepository,
    private readonly bus: CommandBus,
    private readonly config: PushApiConfig,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const create = args.object('create') ?? {};
    const update = args.object('update') ?? {};
    const destroy = args.ids('destroy') ?? [];
    args.done();
    const repo = new PushSubscriptionRepository(this.pool);
    const now = new Date();
    const created: Record<string, Record<string, unknown>> = {};
    const notCreated: Record<string, SetError> = {};
    let count = Object.keys(create).length > 0 ? await repo.count(ctx.principal.id) : 0;
    for (const [cid, obj] of Object.entries(create)) {
      if (!isPlainObject(obj)) throw new MethodError('invalidArguments', `create["${cid}"] must be an object.`);
      const result = await this.createOne(repo, cid, obj, now, count, ctx);
      if ('type' in result) notCreated[cid] = result as SetError;
      else {
        created[cid] = result;
        count++;
      }
    }
    const updated: Record<string, Record<string, unknown> | null> = {};
    const notUpdated: Record<string, SetError> = {};
    const ids = Object.keys(update).map((id) => (id.startsWith('#') ? (ctx.createdIds.get(id.slice(1)) ?? id) : id));
    const current = new Map((ids.length > 0 ? await repo.list(ctx.principal.id, ids) : []).map((r) => [r.id, r]));
    for (const [key, patch] of Object.entries(update)) {
      const id = key.startsWith('#') ? (ctx.createdIds.get(key.slice(1)) ?? key) : key;
      const record = current.get(id);
      if (!record) notUpdated[id] = setError('notFound');
      else if (!isPlainObject(patch)) notUpdated[id] = setError('invalidPatch', 'An update must be a PatchObject.');
      else {
        const change = parseUpdate(record, patch, now, this.config.subscriptionMaxDays);
        if (isSetError(change)) notUpdated[id] = change;
        else {
          await repo.update(ctx.principal.id, id, change);
          const clamped = change.expires && patch.expires !== utc(change.expires);
          updated[id] = clamped ? { expires: utc(change.expires!) } : null;
        }
      }
    }
    const destroyed = destroy.length > 0 ? await repo.destroy(ctx.principal.id, destroy) : [];
    const notDestroyed = Object.fromEntries(destroy.filter((id) => !destroyed.includes(id)).map((id) => [id, setError('notFound')]));
    const orNull = <T extends object>(o: T) => (Object.keys(o).length > 0 ? o : null);
    return {
      created: orNull(created),
      updated: orNull(updated),
      destroyed: destroyed.length > 0 ? destroyed : null,
      notCreated: orNull(notCreated),
      notUpdated: orNull(notUpdated),
      notDestroyed: orNull(notDestroyed),
    };
  }

  private async createOne(
    repo: PushSubscriptionRepository,
    cid: string,
    obj: Record<string, unknown>,
    now: Date,
    count: number,
    ctx: MethodContext,
  ): Promise<Record<string, unknown> | SetError> {
    const parsed = parseCreate(obj, now, this.config.subscriptionMaxDays);
    if (isSetError(parsed)) return parsed;
    if (count >= this.config.maxSubscriptions) {
      return setError('overQuota', `At most ${this.config.maxSubscriptions} push subscriptions per user.`);
    }
    const url = await checkPushUrl(parsed.url, this.config.policy);
    if (!url.ok) return setError('invalidProperties', `The push URL is refused: ${url.reason}.`, { properties: ['url'] });
    const principal = await this.accounts.principalById(ctx.principal.id);
    if (!principal) throw new MethodError('forbidden', 'The principal no longer exists.');
    const id = `P${randomBytes(12).toString('base64url')}`;
    await repo.insert(id, principal, parsed, randomBytes(16).toString('hex'));
    try {
      await sendCommand<SendVerificationReply>(
        this.bus,
        PUSH_SERVICE,
        PushCommandTypes.sendVerification,
        principal.id,
        { pushSubscriptionId: id } satisfies SendVerificationPayload,
        ctx,
      );
    } catch (err) {
      // Without its verification the subscription is useless: do not keep it.
      await repo.destroy(principal.id, [id]);
      throw err;
    }
    ctx.createdIds.set(cid, id);
    return {
      id,
      expires: utc(parsed.expires),
      ...(obj.keys === undefined ? { keys: null } : {}),
      ...(obj.types === undefined ? { types: null } : {}),
      verificationCode: null,
    };
  }
}
