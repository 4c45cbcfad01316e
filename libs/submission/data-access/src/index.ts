export * from './submission.projection.js';
export * from './submission.repository.js';
export * from './send-blob-pin.js';
