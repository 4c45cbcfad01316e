export * from './push-types.js';
export * from './state-change.js';
export * from './eventsource-params.js';
export * from './push-url.js';
export * from './push-subscription.js';
export * from './push.commands.js';
