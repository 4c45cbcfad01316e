/**
 * The email service's Nest module: handles the Email commands (topic commands.email).
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import type { BlobStore } from '@jmap/blob-store';
import type { CommandProcessor } from '@jmap/event-store';
import { EMAIL_SERVICE, EMAIL_SET_COMMAND, EmailCommandTypes } from '@jmap/email-contracts';
import { LOGGER, PG_POOL, loadConfig, type Logger, type Pool } from '@jmap/platform';
import { BLOB_STORE, COMMAND_PROCESSOR, COMMAND_ROUTER, type CommandRouter } from '@jmap/runtime';
import { emailImportHandler } from './email-import.handler.js';
import { emailSetHandler } from './email-set.handler.js';

@Injectable()
class EmailCommandRegistration {
  constructor(
    @Inject(COMMAND_ROUTER) router: CommandRouter,
    @Inject(COMMAND_PROCESSOR) processor: CommandProcessor,
    @Inject(PG_POOL) pool: Pool,
    @Inject(BLOB_STORE) store: BlobStore,
    @Inject(LOGGER) logger: Logger,
  ) {
    router.handle(
      EMAIL_SERVICE,
      EmailCommandTypes.import,
      emailImportHandler({ pool, store, processor, logger }),
    );
    const { UPLOAD_EXPIRY_SECONDS } = loadConfig(['UPLOAD_EXPIRY_SECONDS']);
    router.handle(
      EMAIL_SERVICE,
      EMAIL_SET_COMMAND,
      emailSetHandler({ pool, store, processor, logger, blobExpirySeconds: UPLOAD_EXPIRY_SECONDS }),
    );
  }
}

@Module({ providers: [EmailCommandRegistration] })
export class EmailServiceModule {}
