export * from './email.events.js';
export * from './email.commands.js';
