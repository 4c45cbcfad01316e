/** Topic names (contracts shared by every service; prefix from KAFKA_TOPIC_PREFIX). */
export const topics = (prefix: string) => ({
  commands: (service: string) => `${prefix}commands.${service}`,
  deadLetters: `${prefix}commands.dlq`,
  events: `${prefix}events`,
  eventDeadLetters: `${prefix}events.dlq`,
  replies: (instanceId: string) => `${prefix}replies.${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}`,
  repliesPrefix: `${prefix}replies.`,
  /** Consumer group of a service's command consumers, or of a named event subscriber (projector, push). */
  group: (name: string) => `${prefix}${name}`,
});
