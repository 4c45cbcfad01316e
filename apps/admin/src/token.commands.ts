/** token create | token revoke: API tokens for Bearer authentication (the secret is shown once, stored hashed). */
import { CommandError, output, positiveInt, type Command } from './cli.js';

export const tokenCommands: Command[] = [
  {
    words: ['token', 'create'],
    args: ['<email>'],
    options: {
      name: { type: 'string', help: 'a label for the token' },
      'expires-days': {
        type: 'string',
        help: 'days until the token stops working (default: never)',
        value: 'days',
      },
    },
    summary: 'create an API token for the principal and print it once',
    async run(ctx, input) {
      const [email] = input.positionals;
      const days = positiveInt(input, 'expires-days');
      const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
      const name = typeof input.values.name === 'string' ? input.values.name : '';
      const { id, token } = await ctx.accounts().createToken(email, name, expiresAt);
      output(input, { id, token, name, expiresAt: expiresAt?.toISOString() ?? null }, [
        `token ${id} for ${email.trim().toLowerCase()}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}`,
        `  ${token}`,
        '  (shown only now; use it as "Authorization: Bearer <token>")',
      ]);
    },
  },
  {
    words: ['token', 'revoke'],
    args: ['<id>'],
    summary: 'revoke an API token by its id',
    async run(ctx, input) {
      const [id] = input.positionals;
      if (!(await ctx.accounts().revokeToken(id))) throw new CommandError(`no token ${id}`);
      output(input, { id, revoked: true }, `revoked token ${id}`);
    },
  },
];
