/**
 * The container images' migration task (the Helm chart's pre-install/pre-upgrade Job, compose's `migrate`):
 * applies pending migrations from MIGRATIONS_DIR to DATABASE_URL, like `npm run migrate` in a checkout.
 * Safe to run concurrently (node-pg-migrate's advisory lock) and when nothing is pending.
 */
import { ConfigError, failStartup, loadConfig, migrate, migrationsDir, serviceLogger } from '@jmap/platform';

const logger = serviceLogger('migrate');
try {
  const { DATABASE_URL } = loadConfig(['DATABASE_URL']);
  if (!DATABASE_URL) throw new ConfigError('DATABASE_URL', 'is required but not set');
  const started = Date.now();
  logger.info({ dir: migrationsDir() }, 'applying migrations');
  const { applied } = await migrate(DATABASE_URL, logger);
  logger.info(
    { applied, ms: Date.now() - started },
    applied.length ? 'migrations applied' : 'nothing to apply',
  );
  logger.flush?.();
} catch (err) {
  logger.flush?.();
  failStartup(err);
}
