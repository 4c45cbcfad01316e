export * from './thread-service.module.js';
