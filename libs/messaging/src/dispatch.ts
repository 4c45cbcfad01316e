/**
 * What a consumer does with one command, whatever the transport: run the handler, retry transient failures
 * with backoff, turn the outcome into a reply, and hand commands that can never succeed to the dead-letter
 * callback (which never blocks the commands behind them).
 */
import { DomainError, PermanentCommandError } from '@jmap/event-store';
import { isRetryablePgError, withLogContext, type Logger } from '@jmap/platform';
import type { CommandEnvelope, CommandError, CommandHandler, CommandReply } from './types.js';

export interface DispatchOptions {
  maxAttempts: number;
  logger: Logger;
  /** Records a command that can never succeed (dead-letter topic + metric). */
  deadLetter(command: CommandEnvelope, error: CommandError): Promise<void>;
}

const DOMAIN_ERROR_TYPES: Record<DomainError['kind'], string> = {
  validation: 'invalidArguments',
  illegalState: 'invalidArguments',
  notFound: 'notFound',
  concurrency: 'stateMismatch',
};

export async function dispatchCommand(
  handler: CommandHandler,
  command: CommandEnvelope,
  options: DispatchOptions,
): Promise<CommandReply> {
  return withLogContext(
    { commandId: command.commandId, accountId: command.accountId, requestId: command.requestId },
    async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await handler(command);
          return { commandId: command.commandId, ok: true, result: result ?? null };
        } catch (err) {
          if (err instanceof DomainError) {
            options.logger.info({ err: err.message, type: command.type }, 'command rejected');
            return {
              commandId: command.commandId,
              ok: false,
              error: { type: DOMAIN_ERROR_TYPES[err.kind], description: err.message },
            };
          }
          const permanent = err instanceof PermanentCommandError;
          if (!permanent && attempt < options.maxAttempts) {
            options.logger.warn({ err, attempt, type: command.type }, 'command failed; retrying');
            await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt)));
            continue;
          }
          const transient = !permanent && isRetryablePgError(err);
          const error: CommandError = {
            type: transient ? 'serverUnavailable' : 'serverFail',
            description: err instanceof Error ? err.message : String(err),
          };
          options.logger.error({ err, attempt, type: command.type }, 'command dead-lettered');
          await options.deadLetter(command, error);
          return { commandId: command.commandId, ok: false, error };
        }
      }
    },
  );
}
