export * from './mailbox.handlers.js';
export * from './mailbox-service.module.js';
export * from './provisioning.js';
export * from './mailbox-service.tokens.js';
