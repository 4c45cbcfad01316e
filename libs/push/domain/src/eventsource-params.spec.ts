import { describe, expect, it } from 'vitest';
import { EventSourceParamError, parseEventSourceParams, sseEvent } from './eventsource-params.js';

describe('parseEventSourceParams (RFC 8620 section 7.3)', () => {
  it('reads types, closeafter and ping, clamping ping to the server minimum', () => {
    expect(parseEventSourceParams({ types: 'Email,Mailbox', closeafter: 'state', ping: '2' }, 5)).toEqual({
      types: new Set(['Email', 'Mailbox']),
      closeAfterState: true,
      pingSeconds: 5,
    });
    expect(parseEventSourceParams({ types: '*', closeafter: 'no', ping: '0' }, 5)).toEqual({ types: null, closeAfterState: false, pingSeconds: 0 });
    expect(parseEventSourceParams({ ping: '99999' }, 5).pingSeconds).toBe(3600);
  });
  it.each([{ closeafter: 'maybe' }, { ping: '-1' }, { ping: 'often' }, { types: 'Email,<script>' }, { types: ',' }, { ping: ['1', '2'] }])(
    'rejects %j',
    (q) => expect(() => parseEventSourceParams(q, 5)).toThrow(EventSourceParamError),
  );
  it('formats events', () => {
    expect(sseEvent('ping', { interval: 5 })).toBe('event: ping\ndata: {"interval":5}\n\n');
    expect(sseEvent('state', { a: 1 }, 'X')).toBe('event: state\nid: X\ndata: {"a":1}\n\n');
  });
});
