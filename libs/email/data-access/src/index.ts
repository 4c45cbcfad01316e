export * from './email.projection.js';
export * from './mailbox-counts.writer.js';
export * from './email.repository.js';
export * from './import-state.repository.js';
