export * from './submission-service.module.js';
export * from './submission-ports.js';
export * from './submission-config.js';
export * from './smtp-relay.js';
export * from './submission-sender.js';
