/**
 * Structured JSON logs (pino) with the service name on every line and, through AsyncLocalStorage, the request
 * id and account id of the work in progress. Client errors log at info, server errors at error (STYLE.md 6).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LogContext {
  requestId?: string;
  accountId?: string;
  commandId?: string;
}

const contextStore = new AsyncLocalStorage<LogContext>();

/** Runs fn with extra fields added to every log line written inside it (nested contexts merge). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  const parent = contextStore.getStore();
  return contextStore.run({ ...parent, ...ctx }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return contextStore.getStore();
}

export function createLogger(service: string, level: string = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
    level,
    base: { service, pid: process.pid, host: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => contextStore.getStore() ?? {},
  });
}

const processLoggers = new Map<string, Logger>();

/** One logger per service name per process (the app bootstrap and its modules share it). */
export function serviceLogger(service: string): Logger {
  let logger = processLoggers.get(service);
  if (!logger) {
    logger = createLogger(service);
    processLoggers.set(service, logger);
  }
  return logger;
}

export function instanceId(service: string): string {
  return process.env.INSTANCE_ID || `${service}-${hostname()}-${process.pid}`;
}
