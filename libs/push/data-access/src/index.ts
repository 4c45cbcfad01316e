export * from './push-subscription.repository.js';
export * from './eventsource-token.repository.js';
export * from './push-states.js';
export * from './push-url-resolver.js';
