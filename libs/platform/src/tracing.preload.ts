/**
 * Preloaded by every container (`node --import ./dist/tracing/main.js dist/<app>/main.js`) and usable in a
 * checkout (`node --import tsx --import ./libs/platform/src/tracing.preload.ts apps/<app>/src/main.ts`):
 * starts tracing before the app's modules load, so that the instrumentations see them. Does nothing unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { failStartup } from './nest/bootstrap.js';
import { serviceFromEntry, startTracing } from './tracing.js';

try {
  const tracing = await startTracing(serviceFromEntry(process.argv[1]));
  // Graceful shutdown ends in process.exit, which cannot wait: flush while the app drains.
  if (tracing)
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.once(signal, () => void tracing.flush().catch(() => undefined));
} catch (err) {
  failStartup(err);
}
