export * from './identity.events.js';
export * from './identity.commands.js';
