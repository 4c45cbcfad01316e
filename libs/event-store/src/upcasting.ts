import type { DomainEvent } from './types.js';

/**
 * Schema evolution: an upcaster turns version n of an event type into version n + 1. Events are stored with
 * the version they were written at and brought to the current version when read, so a projection or decider
 * only ever sees the current shape.
 */
export type Upcaster = (data: unknown) => unknown;

export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();
  private readonly current = new Map<string, number>();

  register(type: string, fromVersion: number, upcast: Upcaster): this {
    this.steps.set(`${type}@${fromVersion}`, upcast);
    this.current.set(type, Math.max(this.current.get(type) ?? 1, fromVersion + 1));
    return this;
  }

  upcast(event: DomainEvent): DomainEvent {
    let { v, data } = event;
    for (;;) {
      const step = this.steps.get(`${event.type}@${v}`);
      if (!step) break;
      data = step(data);
      v += 1;
    }
    return v === event.v ? event : { type: event.type, v, data };
  }
}
