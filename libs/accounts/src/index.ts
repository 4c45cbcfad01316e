export * from './secrets.js';
export * from './accounts.repository.js';
export * from './authenticator.js';
export * from './access-changes.js';
