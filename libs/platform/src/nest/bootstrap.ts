/**
 * Start-up and shutdown shared by every app: a configuration error prints one clear line and exits 2; SIGTERM
 * and SIGINT close the Nest application (stop consuming, finish in-flight work, close connections) within
 * SHUTDOWN_TIMEOUT_MS, after which the process exits anyway.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { LOGGER } from './tokens.js';

export function failStartup(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

/** Installs signal handlers that close `app` once; a second signal or the timeout forces the exit. */
export function handleShutdownSignals(app: INestApplicationContext): void {
  const { SHUTDOWN_TIMEOUT_MS } = loadConfig(['SHUTDOWN_TIMEOUT_MS']);
  const logger = app.get<Logger>(LOGGER);
  let closing = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      // One Ctrl-C under `npm start` arrives twice (from the terminal and forwarded by npm): only a signal
      // given again later means "stop waiting".
      if (Date.now() - closing < 2000) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = Date.now();
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app
      .close()
      .then(() => {
        logger.info('shutdown complete');
        logger.flush?.();
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
