export * from './mailbox.js';
export * from './mailbox.validation.js';
export * from './mailbox.decider.js';
export * from './mailbox-query.js';
