export * from './http-binary.js';
export * from './blob-copy.method.js';
export * from './blob-api.module.js';
