export * from './submission-api.module.js';
export * from './submission-capability.js';
export * from './email-submission-set.method.js';
