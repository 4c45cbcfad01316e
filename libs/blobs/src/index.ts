export * from './blob-id.js';
export * from './part-blob-id.js';
export * from './blobs.repository.js';
export * from './blob-reader.js';
export * from './blob-collector.js';
export * from './blob-release.js';
