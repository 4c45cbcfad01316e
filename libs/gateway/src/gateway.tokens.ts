/** Injection tokens of the gateway feature (STYLE.md: tokens live in <lib>.tokens.ts). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const METHOD_REGISTRY = Symbol('METHOD_REGISTRY');
export const CAPABILITY_REGISTRY = Symbol('CAPABILITY_REGISTRY');
export const ACCOUNTS_REPOSITORY = Symbol('ACCOUNTS_REPOSITORY');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
/** Extra HTTP routes contributed by feature modules (upload, download, event source ...). */
export const HTTP_ROUTES = Symbol('HTTP_ROUTES');
/** RequestAuth: authenticates an HTTP request and loads the principal's accounts (for feature routes). */
export const REQUEST_AUTH = Symbol('REQUEST_AUTH');
/** RequestProcessor: runs a JMAP Request (the API endpoint and the WebSocket share it). */
export const REQUEST_PROCESSOR = Symbol('REQUEST_PROCESSOR');
/** AccessChanges (ADR 0011): when remembered logins are current; null when AUTH_ACCESS_LISTEN is false. */
export const ACCESS_CHANGES = Symbol('ACCESS_CHANGES');
