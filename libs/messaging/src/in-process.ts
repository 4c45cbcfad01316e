/**
 * The in-process transport: the same contracts as Kafka within one process, for the standalone server and
 * fast tests. Commands for one account run one at a time in arrival order (as a Kafka partition would);
 * published events are handed to every subscriber group before publish() resolves, so the outbox row is only
 * deleted once every local projector has the event (nothing is lost on a crash: the outbox still holds it).
 */
import type { PublishedEvent } from '@jmap/event-store';
import type { Logger, Metrics } from '@jmap/platform';
import { dispatchCommand } from './dispatch.js';
import {
  CommandFailedError,
  type CommandBus,
  type CommandConsumer,
  type CommandEnvelope,
  type CommandHandler,
  type EventHandler,
  type EventPublisher,
  type EventSubscriber,
  type StateChangeFeed,
  type StateChangeMessage,
  type StateChangePublisher,
} from './types.js';

/** Runs tasks one at a time per key, different keys concurrently. */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class InProcessHub {
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly groups = new Map<string, EventHandler>();
  private readonly queue = new KeyedSerialQueue();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stateChangeHandlers = new Set<(message: StateChangeMessage) => void>();
  private readonly deadLetters;

  constructor(
    metrics: Metrics,
    private readonly logger: Logger,
    private readonly maxAttempts = 3,
  ) {
    this.deadLetters = metrics.counter('jmap_dead_letters_total', 'Messages sent to a dead-letter topic', ['topic', 'reason']);
  }

  commandBus(): CommandBus {
    return {
      send: <R>(service: string, command: Omit<CommandEnvelope, 'replyTo' | 'attempt'>) => this.send<R>(service, command),
      close: async () => undefined,
    };
  }

  commandConsumer(): CommandConsumer {
    let registered: string | undefined;
    return {
      start: async (service, handler) => {
        registered = service;
        this.handlers.set(service, handler);
      },
      stop: async () => {
        if (registered) this.handlers.delete(registered);
        await Promise.allSettled([...this.inFlight]);
      },
    };
  }

  eventPublisher(): EventPublisher {
    return {
      publish: async (_accountId, events) => {
        for (const [group, handler] of this.groups) await this.deliver(group, handler, events);
      },
    };
  }

  eventSubscriber(): EventSubscriber {
    let registered: string | undefined;
    return {
      subscribe: async (group, handler) => {
        registered = group;
        this.groups.set(group, handler);
      },
      stop: async () => {
        if (registered) this.groups.delete(registered);
      },
    };
  }

  stateChangePublisher(): StateChangePublisher {
    return {
      publish: async (message) => {
        for (const handler of this.stateChangeHandlers) {
          try {
            handler(message);
          } catch (err) {
            this.logger.warn({ err, accountId: message.accountId }, 'state change not delivered');
          }
        }
      },
    };
  }

  /** Like a gateway replica's consumer group: every StateChange published after start(). */
  stateChangeFeed(): StateChangeFeed {
    let registered: ((message: StateChangeMessage) => void) | undefined;
    return {
      start: async (handler) => {
        registered = handler;
        this.stateChangeHandlers.add(handler);
      },
      stop: async () => {
        if (registered) this.stateChangeHandlers.delete(registered);
      },
    };
  }

  private async deliver(group: string, handler: EventHandler, events: readonly PublishedEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(events);
        return;
      } catch (err) {
        if (attempt < this.maxAttempts) {
          await new Promise((r) => setTimeout(r, 20 * attempt));
          continue;
        }
        this.deadLetters.inc({ topic: 'events.dlq', reason: 'handlerFailed' });
        this.logger.error({ err, group, accountId: events[0]?.accountId }, 'events dead-lettered');
        return;
      }
    }
  }

  private async send<R>(service: string, command: Omit<CommandEnvelope, 'replyTo' | 'attempt'>): Promise<R> {
    const handler = this.handlers.get(service);
    if (!handler) {
      throw new CommandFailedError(command.commandId, {
        type: 'serverUnavailable',
        description: `no ${service} service is running`,
      });
    }
    const task = this.queue.run(command.accountId, () =>
      dispatchCommand(handler, { ...command, attempt: 1 }, {
        maxAttempts: this.maxAttempts,
        logger: this.logger,
        deadLetter: async (_cmd, error) => {
          this.deadLetters.inc({ topic: 'commands.dlq', reason: error.type });
        },
      }),
    );
    this.inFlight.add(task);
    try {
      const reply = await task;
      if (!reply.ok) throw new CommandFailedError(command.commandId, reply.error);
      return reply.result as R;
    } finally {
      this.inFlight.delete(task);
    }
  }
}
