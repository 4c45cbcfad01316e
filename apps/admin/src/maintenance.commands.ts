/** migrate | blobs collect: schema migrations and the blob collector, for operators and cron jobs. */
import { collectBlobs } from '@jmap/blobs';
import { migrate } from '@jmap/platform';
import { UsageError, output, type Command } from './cli.js';

export const maintenanceCommands: Command[] = [
  {
    words: ['migrate'],
    args: [],
    summary: 'apply pending database migrations',
    async run(ctx, input) {
      const { applied } = await migrate(ctx.databaseUrl(), ctx.logger);
      output(input, { applied }, applied.length ? `applied ${applied.join(', ')}` : 'nothing to apply');
    },
  },
  {
    words: ['blobs', 'collect'],
    args: [],
    options: {
      now: {
        type: 'string',
        help: 'collect as if it were this time (ISO 8601), e.g. to test expiry',
        value: 'time',
      },
    },
    summary: 'delete expired uploads and the stored objects nothing names any more',
    async run(ctx, input) {
      let now: Date | undefined;
      if (typeof input.values.now === 'string') {
        now = new Date(input.values.now);
        if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO 8601 time');
      }
      const result = await collectBlobs(ctx.db(), ctx.blobStore(), {
        ...(now ? { now } : {}),
        logger: ctx.logger,
      });
      output(
        input,
        result,
        `deleted ${result.rowsDeleted} expired upload row(s) and ${result.objectsDeleted} stored object(s)`,
      );
    },
  },
];
