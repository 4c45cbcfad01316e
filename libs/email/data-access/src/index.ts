export * from './email.projection.js';
export * from './mailbox-counts.writer.js';
export * from './email.repository.js';
export * from './import-state.repository.js';
export * from './email-query.sql.js';
export * from './email-query.repository.js';
export * from './search-snippet.repository.js';
export * from './email-set-state.repository.js';
export { insertEmails } from './email-rows.writer.js';
