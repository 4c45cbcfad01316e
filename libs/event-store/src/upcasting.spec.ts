import { describe, expect, it } from 'vitest';
import type { DomainEvent } from './types.js';
import { Upcasters } from './upcasting.js';

// Version 1 stored the amount in cents as `amt`; version 2 renamed it; version 3 added the currency.
const upcasters = () =>
  new Upcasters()
    .register('LedgerDeposited', 1, (d) => ({ amount: (d as { amt: number }).amt }))
    .register('LedgerDeposited', 2, (d) => ({ ...(d as object), currency: 'EUR' }));

describe('Upcasters', () => {
  it('brings an old event through every step to the current version', () => {
    // Events are stored with the version they were written at and read in the current shape.
    const v1: DomainEvent = { type: 'LedgerDeposited', v: 1, data: { amt: 250 } };
    expect(upcasters().upcast(v1)).toEqual({
      type: 'LedgerDeposited',
      v: 3,
      data: { amount: 250, currency: 'EUR' },
    });
    expect(v1).toEqual({ type: 'LedgerDeposited', v: 1, data: { amt: 250 } });
  });

  it('starts at the event’s own version', () => {
    const v2: DomainEvent = { type: 'LedgerDeposited', v: 2, data: { amount: 7 } };
    expect(upcasters().upcast(v2)).toEqual({
      type: 'LedgerDeposited',
      v: 3,
      data: { amount: 7, currency: 'EUR' },
    });
  });

  it('returns an event already at the current version, or of a type without steps, unchanged', () => {
    const current: DomainEvent = { type: 'LedgerDeposited', v: 3, data: { amount: 1, currency: 'EUR' } };
    const other: DomainEvent = { type: 'LedgerWithdrawn', v: 1, data: { amt: 1 } };
    expect(upcasters().upcast(current)).toBe(current);
    expect(upcasters().upcast(other)).toBe(other);
  });

  it('upcasts steps registered out of order', () => {
    const u = new Upcasters()
      .register('X', 2, (d) => ({ ...(d as object), b: true }))
      .register('X', 1, (d) => ({ ...(d as object), a: true }));
    expect(u.upcast({ type: 'X', v: 1, data: {} })).toEqual({ type: 'X', v: 3, data: { a: true, b: true } });
  });
});
