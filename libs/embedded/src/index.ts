export * from './data-dir.js';
export * from './embedded-database.js';
export * from './postgres-binaries.js';
