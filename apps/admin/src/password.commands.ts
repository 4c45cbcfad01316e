/** password reset: sets a new login password; cached logins with the old one stop working in every gateway. */
import { generatePassword } from '@jmap/accounts';
import { CommandError, output, type Command } from './cli.js';

export const passwordCommands: Command[] = [
  {
    words: ['password', 'reset'],
    args: ['<email>'],
    options: {
      password: { type: 'string', help: 'the new password; generated and printed when absent', value: 'pw' },
    },
    summary: "set a principal's password",
    async run(ctx, input) {
      const [email] = input.positionals;
      const given = input.values.password as string | undefined;
      if (given === '') throw new CommandError('--password must not be empty');
      const password = given ?? generatePassword();
      await ctx.accounts().setPassword(email, password);
      const normalised = email.trim().toLowerCase();
      output(
        input,
        { email: normalised, ...(given === undefined ? { password } : {}) },
        given === undefined
          ? [`password of ${normalised} reset`, `  password: ${password}   (generated; shown only now)`]
          : `password of ${normalised} reset`,
      );
    },
  },
];
