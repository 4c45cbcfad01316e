export * from './data-dir.js';
export * from './embedded-database.js';
