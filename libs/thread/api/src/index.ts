export * from './thread-get.method.js';
export * from './thread-changes.method.js';
export * from './thread-api.module.js';
