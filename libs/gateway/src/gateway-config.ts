import { loadConfig } from '@jmap/platform';
import type { CoreCapability } from '@jmap/protocol';
import { SUPPORTED_COLLATIONS } from '@jmap/protocol';

export interface GatewayConfig {
  /** Base URL for the Session's URLs; null: derived from each request's Host. */
  publicUrl: string | null;
  core: CoreCapability;
  readWaitTimeoutMs: number;
  uploadExpirySeconds: number;
  auth: { failuresPerWindow: number; windowSeconds: number; listen: boolean };
}

export function gatewayConfigFromEnv(): GatewayConfig {
  const c = loadConfig([
    'PUBLIC_URL',
    'MAX_SIZE_UPLOAD',
    'MAX_CONCURRENT_UPLOAD',
    'MAX_SIZE_REQUEST',
    'MAX_CONCURRENT_REQUESTS',
    'MAX_CALLS_IN_REQUEST',
    'MAX_OBJECTS_IN_GET',
    'MAX_OBJECTS_IN_SET',
    'READ_WAIT_TIMEOUT_MS',
    'UPLOAD_EXPIRY_SECONDS',
    'AUTH_FAILURES_PER_WINDOW',
    'AUTH_FAILURE_WINDOW_SECONDS',
    'AUTH_ACCESS_LISTEN',
  ]);
  return {
    publicUrl: c.PUBLIC_URL ? c.PUBLIC_URL.replace(/\/+$/, '') : null,
    core: {
      maxSizeUpload: c.MAX_SIZE_UPLOAD,
      maxConcurrentUpload: c.MAX_CONCURRENT_UPLOAD,
      maxSizeRequest: c.MAX_SIZE_REQUEST,
      maxConcurrentRequests: c.MAX_CONCURRENT_REQUESTS,
      maxCallsInRequest: c.MAX_CALLS_IN_REQUEST,
      maxObjectsInGet: c.MAX_OBJECTS_IN_GET,
      maxObjectsInSet: c.MAX_OBJECTS_IN_SET,
      collationAlgorithms: [...SUPPORTED_COLLATIONS],
    },
    readWaitTimeoutMs: c.READ_WAIT_TIMEOUT_MS,
    uploadExpirySeconds: c.UPLOAD_EXPIRY_SECONDS,
    auth: {
      failuresPerWindow: c.AUTH_FAILURES_PER_WINDOW,
      windowSeconds: c.AUTH_FAILURE_WINDOW_SECONDS,
      listen: c.AUTH_ACCESS_LISTEN,
    },
  };
}
