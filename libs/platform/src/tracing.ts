/**
 * Distributed tracing (OpenTelemetry), off by default. The code paths always call the OpenTelemetry API, which
 * does nothing until an SDK is registered; `startTracing` registers one only when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set. The containers preload tracing.preload.ts, so the SDK and its instrumentations (incoming HTTP, PostgreSQL)
 * are in place before the app loads `pg` and `http`.
 *
 * A trace crosses Kafka in the command envelope's `traceparent` (W3C Trace Context): the gateway's request
 * span → the service's consumer span → its PostgreSQL queries.
 */
import { hostname } from 'node:os';
import { register } from 'node:module';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { loadConfig } from './config.js';

const TRACER = 'jmap-store';

/** The W3C traceparent of the active span; undefined when tracing is off or the trace is not sampled. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export interface SpanOptions {
  /** Continue the trace that this W3C traceparent names (a message from another service). */
  traceparent?: string;
  kind?: 'internal' | 'producer' | 'consumer';
  attributes?: Attributes;
}

const KINDS = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
} as const;

/** Runs fn inside a span (a no-op span when tracing is off); a thrown error marks the span failed. */
export function inSpan<T>(name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  const parent = options.traceparent
    ? propagation.extract(context.active(), { traceparent: options.traceparent })
    : context.active();
  return trace
    .getTracer(TRACER)
    .startActiveSpan(
      name,
      { kind: KINDS[options.kind ?? 'internal'], attributes: options.attributes },
      parent,
      async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      },
    );
}

export interface Tracing {
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

let started: Promise<Tracing | null> | undefined;

/**
 * Starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per process; later calls return the same).
 * Instrumentation hooks only modules loaded after this call: preload it (node --import) in production.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | null> {
  started ??= start(service, env);
  return started;
}

async function start(service: string, env: NodeJS.ProcessEnv): Promise<Tracing | null> {
  const cfg = loadConfig(['OTEL_EXPORTER_OTLP_ENDPOINT', 'TRACING_SAMPLE_PERCENT', 'INSTANCE_ID'], env);
  if (!cfg.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  // ESM imports of pg and friends are only visible to instrumentation through this loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Loaded on demand: a process without tracing never loads the SDK.
  const { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
    await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
  const exporter = new OTLPTraceExporter({
    url: `${cfg.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.namespace': 'jmap-store',
      'service.instance.id': cfg.INSTANCE_ID ?? `${service}-${hostname()}-${process.pid}`,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.TRACING_SAMPLE_PERCENT / 100) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not traffic.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
      }),
      // Only queries inside a traced unit of work: the outbox and projector polls would flood the collector.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** The app a process runs, from its entry path: apps/<app>/src/main.ts or dist/<app>/main.js. */
export function serviceFromEntry(entry: string | undefined): string {
  const m = /(?:apps|dist)[\\/]([^\\/]+)[\\/](?:src[\\/])?main\.[cm]?[jt]s$/.exec(entry ?? '');
  return m?.[1] ?? 'jmap';
}
