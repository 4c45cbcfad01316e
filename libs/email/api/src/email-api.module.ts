/**
 * The Email methods at the gateway: Email/get, /changes, /import, /parse, /set and /copy. The mail capability (and its
 * maxMailboxesPerEmail, which Email/import enforces) is registered by the mailbox API module.
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import type { BlobStore } from '@jmap/blob-store';
import { GATEWAY_CONFIG, METHOD_REGISTRY, type GatewayConfig } from '@jmap/gateway';
import { mailLimitsFromEnv } from '@jmap/mailbox-api';
import type { CommandBus } from '@jmap/messaging';
import { PG_POOL, type Pool } from '@jmap/platform';
import type { MethodRegistry } from '@jmap/protocol';
import { BLOB_STORE, COMMAND_BUS } from '@jmap/runtime';
import { EmailChangesMethod } from './email-changes.method.js';
import { EmailGetMethod } from './email-get.method.js';
import { EmailImportMethod } from './email-import.method.js';
import { EmailParseMethod } from './email-parse.method.js';
import { EmailSetMethod } from './email-set.method.js';
import { EmailCopyMethod } from './email-copy.method.js';
import { EmailQueryChangesMethod, EmailQueryMethod } from './email-query.method.js';
import { SearchSnippetGetMethod } from './search-snippet-get.method.js';

@Injectable()
class EmailMethodsRegistration {
  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(COMMAND_BUS) bus: CommandBus,
    @Inject(BLOB_STORE) store: BlobStore,
  ) {
    const { maxObjectsInGet, maxObjectsInSet } = config.core;
    methods.register(
      new EmailGetMethod(pool, store, maxObjectsInGet),
      new EmailChangesMethod(pool),
      new EmailImportMethod(pool, bus, {
        maxObjectsInSet,
        maxMailboxesPerEmail: mailLimitsFromEnv().maxMailboxesPerEmail,
      }),
      new EmailParseMethod(pool, store, maxObjectsInGet),
      new EmailSetMethod(bus, maxObjectsInSet),
      new EmailCopyMethod(pool, bus, { maxObjectsInSet, uploadExpirySeconds: config.uploadExpirySeconds }),
    );
    methods.register(
      new EmailQueryMethod(pool, maxObjectsInGet),
      new EmailQueryChangesMethod(pool),
      new SearchSnippetGetMethod(pool, maxObjectsInGet),
    );
  }
}

@Module({ providers: [EmailMethodsRegistration] })
export class EmailApiModule {}
