/** account create | account list: principals with their personal accounts (libs/accounts). */
import { generatePassword } from '@jmap/accounts';
import { CommandError, output, type Command } from './cli.js';

export const accountCommands: Command[] = [
  {
    words: ['account', 'create'],
    args: ['<email>'],
    options: {
      password: {
        type: 'string',
        help: 'the login password; generated and printed when absent',
        value: 'pw',
      },
      name: { type: 'string', help: 'display name of the principal' },
    },
    summary: 'create a principal with its account and address, then provision the account',
    async run(ctx, input) {
      const [email] = input.positionals;
      const given = input.values.password as string | undefined;
      if (given === '') throw new CommandError('--password must not be empty');
      const password = given ?? generatePassword();
      const { accountId, principalId } = await ctx.accounts().createAccount({
        email,
        password,
        ...(typeof input.values.name === 'string' ? { name: input.values.name } : {}),
      });
      const normalised = email.trim().toLowerCase();
      // Loaded here: the provisioners pull in the domain services, which the other commands do not need.
      const { provisioners } = await import('./provisioning.js');
      for (const provision of provisioners) {
        try {
          await provision({ pool: ctx.db(), accountId, email: normalised, logger: ctx.logger });
        } catch (err) {
          throw new CommandError(
            `account ${accountId} was created but provisioning failed: ${(err as Error).message}`,
          );
        }
      }
      output(
        input,
        { email: normalised, accountId, principalId, ...(given === undefined ? { password } : {}) },
        [
          `created ${normalised}`,
          `  account id:   ${accountId}`,
          `  principal id: ${principalId}`,
          ...(given === undefined ? [`  password:     ${password}   (generated; shown only now)`] : []),
        ],
      );
    },
  },
  {
    words: ['account', 'list'],
    args: [],
    summary: 'list accounts with their owners and addresses',
    async run(ctx, input) {
      const accounts = await ctx.accounts().listAccounts();
      const lines = accounts.length
        ? accounts.map(
            (a) =>
              `${a.email.padEnd(32)} ${a.accountId.padEnd(20)} ${a.createdAt}  ${a.addresses.join(', ')}`,
          )
        : ['no accounts'];
      output(input, accounts, lines);
    },
  },
];
