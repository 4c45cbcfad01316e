export * from './local-delivery.js';
export * from './trace-headers.js';
export * from './delivery-listeners.js';
