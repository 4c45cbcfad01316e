/**
 * Steps that run after `account create` has committed the principal and its account, in order. Each gets the
 * database pool and the new account; a failing step stops the command with exit code 1 (the account stays, and
 * the step must be safe to run again).
 */
import { CommandProcessor, ProjectionRegistry } from '@jmap/event-store';
import { provisionDefaultIdentity } from '@jmap/identity-service';
import { provisionDefaultMailboxes } from '@jmap/mailbox-service';
import { Metrics, type Logger, type Pool } from '@jmap/platform';
import { allProjections } from '@jmap/read-models';

export interface ProvisioningContext {
  pool: Pool;
  accountId: string;
  email: string;
  logger: Logger;
}

export type Provisioner = (ctx: ProvisioningContext) => Promise<void>;

/**
 * Writes go through the event log in-process (no message bus needed): a command processor with every
 * projection, exactly as the services apply them.
 */
function processorFor(ctx: ProvisioningContext): CommandProcessor {
  return new CommandProcessor(ctx.pool, new ProjectionRegistry().register(...allProjections()), new Metrics('admin'), ctx.logger);
}

export const provisioners: Provisioner[] = [
  // The standard mailboxes with their roles (issue 5): Inbox, Drafts, Sent, Archive, Junk, Trash.
  async (ctx) => {
    await provisionDefaultMailboxes(processorFor(ctx), ctx.accountId);
  },
  // The default Identity (RFC 8621 6): the account's address and owner's name, mayDelete false.
  async (ctx) => {
    await provisionDefaultIdentity(processorFor(ctx), ctx.accountId);
  },
];
