export * from './runtime.tokens.js';
export * from './messaging.module.js';
export * from './blob-store.module.js';
export * from './event-store.module.js';
export * from './bootstrap.js';
