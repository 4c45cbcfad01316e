/** Topic names (contracts shared by every service; prefix from KAFKA_TOPIC_PREFIX). */
export const topics = (prefix: string) => ({
  commands: (service: string) => `${prefix}commands.${service}`,
  deadLetters: `${prefix}commands.dlq`,
  events: `${prefix}events`,
  eventDeadLetters: `${prefix}events.dlq`,
  replies: (instanceId: string) => `${prefix}replies.${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  repliesPrefix: `${prefix}replies.`,
  /** StateChanges computed by the push service, keyed by account id; every gateway replica reads all of it. */
  stateChanges: `${prefix}statechanges`,
  /** Consumer group of one gateway replica on the statechanges topic (its own, so it sees every message). */
  stateChangeGroup: (instanceId: string) => `${prefix}gateway-push.${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  /** Consumer group of a service's command consumers, or of a named event subscriber (projector, push). */
  group: (name: string) => `${prefix}${name}`,
});
