export * from './addresses.js';
export * from './envelope.js';
export * from './submission-set.decider.js';
export * from './delivery.js';
export * from './vacation.js';
export * from './submission-query.js';
export * from './dsn.js';
