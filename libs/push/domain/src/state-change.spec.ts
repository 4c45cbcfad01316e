import { describe, expect, it } from 'vitest';
import { decodePushState, encodePushState, inlineStates, missedStates, PushStateTracker } from './state-change.js';

const ev = (modseq: number, types: string[], type = 'MailboxCreated', data: unknown = {}) => ({ modseq, types, type, data });

describe('inlineStates', () => {
  it('gives each type the modseq of the last event that moved it', () => {
    expect(inlineStates([ev(4, ['Mailbox']), ev(5, ['Email', 'Mailbox']), ev(6, ['Email'])])).toEqual({ Mailbox: 5, Email: 6 });
  });
  it('adds EmailDelivery for the events the detector names', () => {
    const states = inlineStates([ev(7, ['Email', 'Mailbox'], 'EmailCreated'), ev(8, ['Email'])], (e) => e.modseq === 7);
    expect(states).toEqual({ Email: 8, Mailbox: 7, EmailDelivery: 7 });
  });
});

describe('PushStateTracker', () => {
  it('passes on a state once, never an older one, and only the filtered types', () => {
    const t = new PushStateTracker(new Set(['Mailbox', 'Email']));
    t.know('a1', { Mailbox: 3, Email: 2, Thread: 9 });
    expect(t.offer('a1', { Mailbox: 3 })).toBeNull();
    expect(t.offer('a1', { Mailbox: 5, Thread: 10 })).toEqual({ Mailbox: 5 });
    expect(t.offer('a1', { Mailbox: 5 })).toBeNull();
    expect(t.offer('a1', { Mailbox: 4, Email: 6 })).toEqual({ Email: 6 });
    // The filtered-out Thread keeps its state from the baseline: the pushState covers every type, so enabling
    // more types with it later reports Thread only if it changed since (RFC 8887 4.3.5.2).
    expect(t.snapshot()).toEqual({ a1: { Mailbox: 5, Email: 6, Thread: 9 } });
  });
  it('passes on a type it never saw (e.g. EmailDelivery) with any state', () => {
    const t = new PushStateTracker(null);
    expect(t.offer('a1', { EmailDelivery: 0 })).toEqual({ EmailDelivery: 0 });
  });
});

describe('push state tokens (SSE ids, WebSocket pushState)', () => {
  it('round-trip account states as an SSE-safe token', () => {
    const states = { aX1: { Mailbox: 12345, Email: 0 }, aY2: {} };
    const token = encodePushState(states);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePushState(token)).toEqual(states);
  });
  it('refuse what is not one of ours', () => {
    expect(decodePushState('not base64!')).toBeNull();
    expect(decodePushState(Buffer.from('a1:Mailbox=zz,bad').toString('base64url'))).toBeNull();
    expect(decodePushState(undefined)).toBeNull();
  });
  it('find what changed while away', () => {
    expect(missedStates({ Mailbox: 3, Email: 4 }, { Mailbox: 3, Email: 6, Thread: 0 })).toEqual({ Email: 6 });
    expect(missedStates(undefined, { Mailbox: 2, Thread: 0 })).toEqual({ Mailbox: 2 });
    expect(missedStates({ Mailbox: 2 }, { Mailbox: 2 })).toBeNull();
  });
});
