import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTraceparent, inSpan, serviceFromEntry, startTracing } from './tracing.js';

describe('tracing switched off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('starts no SDK, sends no traceparent and still runs the work inside spans', async () => {
    expect(await startTracing('gateway', {})).toBeNull();
    expect(currentTraceparent()).toBeUndefined();
    await expect(inSpan('work', {}, async () => currentTraceparent() ?? 'none')).resolves.toBe('none');
    await expect(
      inSpan(
        'work',
        { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        async () => 42,
      ),
    ).resolves.toBe(42);
  });

  it('names the service after the app entry point of the process', () => {
    expect(serviceFromEntry('/app/dist/mailbox-service/main.js')).toBe('mailbox-service');
    expect(serviceFromEntry('apps/gateway/src/main.ts')).toBe('gateway');
    expect(serviceFromEntry(undefined)).toBe('jmap');
  });
});

describe('tracing with an SDK registered', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('carries the active span in a W3C traceparent that a consumer span continues', async () => {
    const sent = await inSpan('POST /jmap/api', {}, async () => currentTraceparent());
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan(
      'process jmap.commands.mailbox',
      { traceparent: sent, kind: 'consumer' },
      async () => undefined,
    );
    const [producer, consumer] = exporter.getFinishedSpans();
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(sent).toBe(`00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
  });

  it('marks the span of failed work as an error and rethrows', async () => {
    exporter.reset();
    await expect(inSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });
});
