export * from './identity.methods.js';
export * from './identity-api.module.js';
