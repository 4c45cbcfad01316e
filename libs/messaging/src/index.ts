export * from './types.js';
export * from './topics.js';
export * from './dispatch.js';
export * from './kafka-client.js';
export * from './kafka-command-bus.js';
export * from './kafka-command-consumer.js';
export * from './kafka-events.js';
export * from './in-process.js';
