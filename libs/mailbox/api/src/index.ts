export * from './mail-capability.js';
export * from './mailbox-view.js';
export * from './mailbox-get.method.js';
export * from './mailbox-changes.method.js';
export * from './mailbox-query.method.js';
export * from './mailbox-set.method.js';
export * from './mailbox-api.module.js';
