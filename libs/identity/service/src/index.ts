export * from './identity.handlers.js';
export * from './identity-service.module.js';
