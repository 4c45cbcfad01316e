export * from './mailbox.projection.js';
export * from './mailbox.repository.js';
