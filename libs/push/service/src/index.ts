export * from './push-config.js';
export * from './web-push-sender.js';
export * from './push-delivery-queue.js';
export * from './state-change-producer.js';
export * from './push-service.module.js';
