/**
 * Commands the push service accepts (topic `<prefix>commands.push-subscriptions`): the gateway asks it to send the
 * PushVerification of a subscription it has just stored, so that every POST to a subscription URL leaves from
 * the push service (one place for the SSRF guard, retries and the delivery metric).
 */
/**
 * Not "push": a command service's consumer group is `<prefix><service>`, the same name space as event subscriber
 * groups, and the push service's consumer group on the events topic is "push".
 */
export const PUSH_SERVICE = 'push-subscriptions';

export const PushCommandTypes = {
  sendVerification: 'PushSubscription/sendVerification',
} as const;

export interface SendVerificationPayload {
  pushSubscriptionId: string;
}

export interface SendVerificationReply {
  queued: boolean;
}
