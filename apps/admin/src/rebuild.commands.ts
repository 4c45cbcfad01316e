/**
 * rebuild: replays accounts' events into fresh read models (DESIGN.md invariant 5). `--verify` replays inside a
 * transaction, compares the result row by row with the live read models, reports the differences and rolls back.
 * Writes to an account wait while it is replayed; other accounts are untouched. Progress goes to stderr.
 */
import { EventReader, ProjectionRegistry, Rebuilder, type RebuildReport } from '@jmap/event-store';
import { allProjections } from '@jmap/read-models';
import { CommandError, UsageError, output, type Command } from './cli.js';

const progress = (m: string) => process.stderr.write(`${m}\n`);

export const rebuildCommands: Command[] = [
  {
    words: ['rebuild'],
    args: [],
    options: {
      account: { type: 'string', help: 'the account to replay', value: 'accountId' },
      all: { type: 'boolean', help: 'replay every account' },
      verify: { type: 'boolean', help: 'compare the replay with the live read models and change nothing' },
    },
    summary: 'replay events into fresh read models (or, with --verify, report where they differ)',
    async run(ctx, input) {
      const account = typeof input.values.account === 'string' ? input.values.account : null;
      const all = input.values.all === true;
      if (Boolean(account) === all) throw new UsageError('give exactly one of --account <id> or --all');
      const verify = input.values.verify === true;
      const rebuilder = new Rebuilder(ctx.db(), new ProjectionRegistry().register(...allProjections()), new EventReader(), ctx.logger);
      const accounts = account ? [account] : await rebuilder.accounts();
      const reports: RebuildReport[] = [];
      for (const [i, id] of accounts.entries()) {
        let last = 0;
        const report = await rebuilder
          .rebuildAccount(id, {
            verify,
            onProgress: (done, total) => {
              if (done - last >= 1000 || done === total) {
                last = done;
                progress(`[${i + 1}/${accounts.length}] ${id}: ${done}/${total} events`);
              }
            },
          })
          .catch((err: Error) => {
            throw new CommandError(`${id}: ${err.message}`);
          });
        reports.push(report);
        progress(
          `[${i + 1}/${accounts.length}] ${id}: ${report.events} events, ${report.rows} rows` +
            (verify ? `, ${report.differences.length ? `${report.differences.length} table(s) differ` : 'no differences'}` : ', rebuilt'),
        );
      }
      const differing = reports.filter((r) => r.differences.length > 0);
      const lines = verify
        ? differing.length === 0
          ? [`verified ${reports.length} account(s): the read models match the event log`]
          : differing.flatMap((r) =>
              r.differences.map(
                (d) => `${r.accountId} ${d.table}: ${d.onlyLive.length} row(s) only live, ${d.onlyRebuilt.length} only in the replay` +
                  `\n  live:   ${JSON.stringify(d.onlyLive.slice(0, 3))}\n  replay: ${JSON.stringify(d.onlyRebuilt.slice(0, 3))}`,
              ),
            )
        : [`rebuilt ${reports.length} account(s)`];
      output(input, { verify, accounts: reports }, lines);
      if (verify && differing.length > 0) throw new CommandError(`${differing.length} account(s) differ from their event log`);
    },
  },
];
