/** domain create | domain list: the mail domains this server accepts. */
import { CommandError, output, type Command } from './cli.js';

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const domainCommands: Command[] = [
  {
    words: ['domain', 'create'],
    args: ['<domain>'],
    summary: 'add a mail domain (no-op when it exists)',
    async run(ctx, input) {
      const name = input.positionals[0].trim().toLowerCase();
      if (!DOMAIN_RE.test(name)) throw new CommandError(`"${input.positionals[0]}" is not a domain name`);
      const created = await ctx.accounts().createDomain(name);
      output(
        input,
        { domain: name, created },
        created ? `created domain ${name}` : `domain ${name} already exists`,
      );
    },
  },
  {
    words: ['domain', 'list'],
    args: [],
    summary: 'list the mail domains',
    async run(ctx, input) {
      const domains = await ctx.accounts().listDomains();
      output(input, domains, domains.length ? domains : ['no domains']);
    },
  },
];
