export * from './identity.projection.js';
export * from './identity.repository.js';
