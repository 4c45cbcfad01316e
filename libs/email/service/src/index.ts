export * from './import-preparation.js';
export * from './email-import.handler.js';
export * from './mailbox-cascade.js';
export * from './email-service.module.js';
