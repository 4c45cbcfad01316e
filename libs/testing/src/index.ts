export * from './infra/paths.js';
export * from './infra/process.js';
export * from './infra/postgres.js';
export * from './infra/kafka.js';
export * from './infra/minio.js';
export * from './infra/infra.js';
export * from './harness.js';
export * from './stack.js';
