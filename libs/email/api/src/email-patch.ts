/**
 * An Email/set update (RFC 8621 4.6, RFC 8620 5.3 PatchObject) → the keyword and mailbox changes it asks for.
 * Only `keywords` and `mailboxIds` are mutable, each set whole ("keywords": {...}) or member by member
 * ("keywords/$seen": true | null, "mailboxIds/<id>": true | null); any other property is invalidProperties.
 * A patch naming a property both whole and by path is invalidPatch (its keys overlap).
 */
import type { EmailUpdateItem, SetChange } from '@jmap/email-contracts';
import { isValidKeyword, parseKeywordSet } from '@jmap/email-domain';
import { isId, isPlainObject, setError, type SetError } from '@jmap/protocol';

const MUTABLE = new Set(['keywords', 'mailboxIds']);
const unescape = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

class PatchFailure extends Error {
  constructor(readonly error: SetError) {
    super(error.description);
  }
}

const invalid = (prop: string, description: string): never => {
  throw new PatchFailure(setError('invalidProperties', description, { properties: [prop] }));
};

function wholeMailboxes(value: unknown, resolve: (ref: string) => string | null): string[] {
  if (!isPlainObject(value) || Object.values(value).some((v) => v !== true))
    invalid('mailboxIds', '"mailboxIds" must map mailbox ids to true.');
  return Object.keys(value as object).map((k) => mailboxRef(k, resolve));
}

function mailboxRef(key: string, resolve: (ref: string) => string | null): string {
  const id = key.startsWith('#') ? resolve(key.slice(1)) : key;
  if (id === null || !isId(id)) return invalid('mailboxIds', `"${key}" is not a mailbox id.`);
  return id;
}

function memberChange(
  prop: 'keywords' | 'mailboxIds',
  entries: Array<[string, unknown]>,
  resolve: (ref: string) => string | null,
): SetChange {
  const add: string[] = [];
  const remove: string[] = [];
  for (const [member, value] of entries) {
    let key: string;
    if (prop === 'keywords') {
      if (!isValidKeyword(member))
        invalid('keywords', `"${member}" is not a valid keyword (RFC 8621 4.1.1).`);
      key = member.toLowerCase();
    } else key = mailboxRef(member, resolve);
    if (value === true) add.push(key);
    else if (value === null) remove.push(key);
    else invalid(prop, `"${prop}/${member}" must be true or null.`);
  }
  return { add, remove };
}

function parse(
  id: string,
  patch: Record<string, unknown>,
  resolve: (ref: string) => string | null,
): EmailUpdateItem {
  const item: EmailUpdateItem = { id };
  const paths: Record<'keywords' | 'mailboxIds', Array<[string, unknown]>> = { keywords: [], mailboxIds: [] };
  const wrong = Object.keys(patch).filter((k) => !MUTABLE.has(k.split('/')[0]));
  if (wrong.length > 0) {
    const props = [...new Set(wrong.map((k) => k.split('/')[0]))];
    throw new PatchFailure(
      setError('invalidProperties', `Only keywords and mailboxIds of an Email can change.`, {
        properties: props,
      }),
    );
  }
  for (const [key, value] of Object.entries(patch)) {
    const slash = key.indexOf('/');
    const prop = (slash < 0 ? key : key.slice(0, slash)) as 'keywords' | 'mailboxIds';
    if (slash < 0) {
      if (prop === 'keywords') {
        const keywords = parseKeywordSet(value);
        if (keywords === null) invalid('keywords', '"keywords" must map valid keywords to true.');
        item.keywords = { replace: keywords! };
      } else item.mailboxIds = { replace: wholeMailboxes(value, resolve) };
      continue;
    }
    const member = key.slice(slash + 1);
    if (member.includes('/')) invalid(prop, `"${key}" points below a member.`);
    paths[prop].push([unescape(member), value]);
  }
  for (const prop of ['keywords', 'mailboxIds'] as const) {
    if (paths[prop].length === 0) continue;
    if (item[prop])
      throw new PatchFailure(setError('invalidPatch', `"${prop}" is patched both whole and by path.`));
    item[prop] = memberChange(prop, paths[prop], resolve);
  }
  return item;
}

export function parseEmailPatch(
  id: string,
  patch: Record<string, unknown>,
  resolve: (ref: string) => string | null,
): { item: EmailUpdateItem } | { error: SetError } {
  try {
    return { item: parse(id, patch, resolve) };
  } catch (e) {
    if (e instanceof PatchFailure) return { error: e.error };
    throw e;
  }
}
