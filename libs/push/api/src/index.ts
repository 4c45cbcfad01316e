export * from './push-api-config.js';
export * from './state-change-hub.js';
export * from './push-session.js';
export * from './eventsource.route.js';
export * from './websocket.route.js';
export * from './push-subscription-get.method.js';
export * from './push-subscription-set.method.js';
export * from './push-api.module.js';
