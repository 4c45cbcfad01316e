export * from './submission.events.js';
export * from './submission.commands.js';
