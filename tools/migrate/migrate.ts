/**
 * npm run migrate [-- down [count]]
 * Applies pending migrations to DATABASE_URL (or to the running stack's or infra's database).
 */
import { migrate } from '@jmap/platform';
import { readEndpoints, localDir } from '@jmap/testing';
import { existsSync, readFileSync } from 'node:fs';

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const stack = localDir('stack', 'stack.json');
  if (existsSync(stack)) return (JSON.parse(readFileSync(stack, 'utf8')) as { endpoints: { DATABASE_URL: string } }).endpoints.DATABASE_URL;
  const infra = readEndpoints();
  if (infra) return infra.DATABASE_URL;
  throw new Error('DATABASE_URL is not set and no local stack or infrastructure is running');
}

const [direction = 'up', count] = process.argv.slice(2);
if (direction !== 'up' && direction !== 'down') {
  process.stderr.write('usage: migrate [up | down [count]]\n');
  process.exit(2);
}
const log = { info: (o: object, m: string) => process.stdout.write(`[migrate] ${m} ${JSON.stringify(o)}\n`), warn: () => undefined, error: () => undefined };
migrate(databaseUrl(), log as never, direction, count ? Number(count) : undefined)
  .then(({ applied }) => process.stdout.write(`[migrate] ${applied.length ? `applied ${applied.join(', ')}` : 'nothing to apply'}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`[migrate] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
