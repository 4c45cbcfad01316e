import { CORE, type JmapMethod, type MethodResponseArgs } from '@jmap/protocol';

/** Core/echo (RFC 8620 section 4): returns its arguments unchanged. */
export class CoreEchoMethod implements JmapMethod {
  readonly name = 'Core/echo';
  readonly capability = CORE;
  async handle(args: Record<string, unknown>): Promise<MethodResponseArgs> {
    return args;
  }
}
