/** Injection tokens of the platform library (STYLE.md: tokens live in <lib>.tokens.ts). */
export const SERVICE_INFO = Symbol('SERVICE_INFO');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const HEALTH = Symbol('HEALTH');
export const PG_POOL = Symbol('PG_POOL');

export interface ServiceInfo {
  /** Service name in logs and metrics (gateway, mailbox-service, ... or standalone). */
  readonly service: string;
  /** Unique name of this replica. */
  readonly instanceId: string;
}
