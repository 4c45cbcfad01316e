export * from './identity.decider.js';
