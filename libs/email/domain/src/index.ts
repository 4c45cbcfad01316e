export * from './keywords.js';
export * from './dates.js';
export * from './message-facts.js';
export * from './threading.js';
export * from './email-import.decider.js';
export * from './mailbox-removal.decider.js';
export * from './mailbox-counts.js';
