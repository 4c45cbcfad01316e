export * from './email-properties.js';
export * from './email-view.js';
export * from './email-get.method.js';
export * from './email-changes.method.js';
export * from './email-import.method.js';
export * from './email-parse.method.js';
export * from './email-api.module.js';
