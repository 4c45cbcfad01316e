/**
 * ProjectionRegistry.unpublished: the fields the outbox relay leaves out of the published copy of an event are
 * those the inline projections name, and only an inline projection may name them (a background projection is
 * fed the published copy, so it could never read them).
 */
import { describe, expect, it } from 'vitest';
import { ProjectionRegistry, type Projection } from './projection.js';

const projection = (name: string, mode: Projection['mode'], unpublished?: Projection['unpublished']): Projection => ({
  name,
  mode,
  tables: [],
  unpublished,
  apply: async () => undefined,
});

describe('ProjectionRegistry.unpublished', () => {
  it('is the union, per event type, of what the inline projections name', () => {
    const registry = new ProjectionRegistry().register(
      projection('a', 'inline', { Created: ['body', 'text'] }),
      projection('b', 'inline', { Created: ['text', 'extra'], Changed: ['blob'] }),
      projection('c', 'inline'),
      projection('d', 'background'),
    );
    expect(Object.fromEntries(registry.unpublished)).toEqual({
      Created: ['body', 'text', 'extra'],
      Changed: ['blob'],
    });
    expect(new ProjectionRegistry().register(projection('c', 'inline')).unpublished.size).toBe(0);
  });

  it('refuses a background projection that names unpublished fields', () => {
    expect(() => new ProjectionRegistry().register(projection('d', 'background', { Created: ['body'] }))).toThrow(
      /only an inline projection/,
    );
  });
});
