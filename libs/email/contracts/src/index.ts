export * from './email.events.js';
export * from './email.commands.js';
export * from './email-set.commands.js';
