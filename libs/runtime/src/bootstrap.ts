/**
 * Starts an app: a Nest application (HTTP on PORT/HOST through Fastify when `http` is set, otherwise a plain
 * application context), logs through pino, the ops server from PlatformModule, and graceful shutdown on
 * SIGTERM/SIGINT. A configuration error prints one line naming the variable and exits 2.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
import { PinoNestLogger, failStartup, handleShutdownSignals, loadConfig, serviceLogger } from '@jmap/platform';

export interface AppOptions {
  /** Serve HTTP (the gateway and standalone server). */
  http?: boolean;
}

export async function runApp(service: string, module: unknown, options: AppOptions = {}): Promise<INestApplicationContext> {
  const logger = serviceLogger(service);
  const nestLogger = new PinoNestLogger(logger);
  try {
    const started = Date.now();
    let app: INestApplicationContext;
    if (options.http) {
      const { PORT, HOST, TRUST_PROXY } = loadConfig(['PORT', 'HOST', 'TRUST_PROXY']);
      const fastify = new FastifyAdapter({ trustProxy: TRUST_PROXY, return503OnClosing: true });
      const web = await NestFactory.create<NestFastifyApplication>(module as never, fastify, { logger: nestLogger, bodyParser: false });
      web.enableShutdownHooks([]);
      await web.listen(PORT, HOST);
      logger.info({ port: PORT, host: HOST, startupMs: Date.now() - started }, 'listening');
      app = web;
    } else {
      app = await NestFactory.createApplicationContext(module as never, { logger: nestLogger });
      await app.init();
      logger.info({ startupMs: Date.now() - started }, 'started');
    }
    handleShutdownSignals(app);
    return app;
  } catch (err) {
    logger.flush?.();
    failStartup(err);
  }
}
