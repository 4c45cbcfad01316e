/**
 * SearchSnippet/get (RFC 8621 5.1): for each email id, its subject and a fragment of its body with the words the
 * filter's text, subject and body conditions match wrapped in <mark></mark> (HTML-escaped), null where nothing
 * matches; unknown ids in notFound. The filter is validated exactly as Email/query's.
 */
import { searchSnippets } from '@jmap/email-data-access';
import type { Pool } from '@jmap/platform';
import { Args, MAIL, MethodError, requireAccount, type JmapMethod, type MethodContext } from '@jmap/protocol';
import { parseEmailFilter, searchTerms } from './email-filter.js';

export class SearchSnippetGetMethod implements JmapMethod {
  readonly name = 'SearchSnippet/get';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly maxObjectsInGet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const accountId = args.requiredId('accountId');
    const rawFilter = args.object('filter');
    const emailIds = args.ids('emailIds', true)!;
    args.done();
    if (emailIds.length > this.maxObjectsInGet) {
      throw new MethodError('requestTooLarge', `At most ${this.maxObjectsInGet} emailIds (maxObjectsInGet).`);
    }
    requireAccount(ctx, accountId, MAIL);
    const filter = rawFilter === null ? null : parseEmailFilter(rawFilter);
    const t = searchTerms(filter);
    const { list, notFound } = await searchSnippets(this.pool, accountId, emailIds, {
      subject: [...t.text, ...t.subject],
      body: [...t.text, ...t.body],
    });
    return { accountId, list, notFound };
  }
}
