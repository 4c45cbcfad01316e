/**
 * npm run infra:up | infra:down | infra:status
 * Starts (installing when missing) PostgreSQL, Kafka and MinIO on loopback high ports for development and
 * tests, stops them, or shows their state. Variables pointing at existing servers skip those components.
 */
import { defaultLayout, infraDown, infraStatus, infraUp, cacheDir } from '@jmap/testing';

const log = (m: string) => process.stdout.write(`[infra] ${m}\n`);

async function main(command: string | undefined): Promise<void> {
  const layout = defaultLayout();
  switch (command) {
    case 'up': {
      const t0 = Date.now();
      const { endpoints, started, external } = await infraUp(layout, log);
      log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (started: ${started.join(', ') || 'nothing new'}${external.length ? `; external: ${external.join(', ')}` : ''})`);
      for (const [k, v] of Object.entries(endpoints)) process.stdout.write(`  ${k}=${v}\n`);
      log(`state in ${layout.dir}, downloads cached in ${cacheDir()}`);
      return;
    }
    case 'down':
      await infraDown(layout, undefined, log);
      log('down');
      return;
    case 'status': {
      const status = await infraStatus(layout);
      for (const s of status) {
        process.stdout.write(
          `  ${s.name.padEnd(9)} ${s.running ? `running (pid ${s.pid})` : 'stopped'.padEnd(16)}  ${s.listening ? 'listening' : 'not listening'}  ${s.endpoint}\n`,
        );
      }
      process.exitCode = status.every((s) => s.running && s.listening) ? 0 : 3;
      return;
    }
    default:
      process.stderr.write('usage: infra up | down | status\n');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`[infra] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
