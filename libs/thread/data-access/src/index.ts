export * from './thread.projection.js';
export * from './thread.repository.js';
