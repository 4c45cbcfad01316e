import type { PublishedEvent } from '@jmap/event-store';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, MAX_SEND_BYTES, chunkEvents } from './kafka-events.js';

const event = (modseq: number, bytes: number): PublishedEvent => ({
  accountId: 'A',
  modseq,
  type: 'EmailCreated',
  v: 1,
  data: { text: 'x'.repeat(bytes) },
  types: ['Email'],
  recordedAt: '2025-01-01T00:00:00.000Z',
});

describe('events on the Kafka topic', () => {
  it('given many events, then sends of at most MAX_SEND_BYTES in modseq order', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i + 1, 40_000));
    const chunks = chunkEvents(events);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks)
      expect(c.reduce((n, v) => n + Buffer.byteLength(v), 0)).toBeLessThanOrEqual(MAX_SEND_BYTES);
    expect(chunks.flat().map((v) => (JSON.parse(v) as PublishedEvent).modseq)).toEqual(
      events.map((e) => e.modseq),
    );
  });

  it('given an event over MAX_EVENT_BYTES, then it goes without its data, marked dataOmitted', () => {
    const [[small, big]] = chunkEvents([event(1, 10), event(2, MAX_EVENT_BYTES)]);
    expect(JSON.parse(small)).toMatchObject({ modseq: 1, data: { text: 'x'.repeat(10) } });
    expect(JSON.parse(big)).toMatchObject({ modseq: 2, data: {}, dataOmitted: true, types: ['Email'] });
  });
});
