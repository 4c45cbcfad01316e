export * from './mailbox.events.js';
export * from './mailbox.commands.js';
