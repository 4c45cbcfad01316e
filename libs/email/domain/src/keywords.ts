/**
 * Keywords (RFC 8621 4.1.1): 1 to 255 characters of %x21-%x7e except ( ) { ] % * " \ , case-insensitive and
 * returned in lowercase. A keyword set is the object form `{"$seen": true}`; every value MUST be true.
 */

// The RFC's list excludes "]" but not "[": IMAP's atom-specials exclude "]" only in some forms, and JMAP
// copies the list as written.
const KEYWORD_RE = /^[\x21-\x7e]{1,255}$/;
const FORBIDDEN = /[(){\]%*"\\]/;

export function isValidKeyword(keyword: string): boolean {
  return KEYWORD_RE.test(keyword) && !FORBIDDEN.test(keyword);
}

/** The lowercase keyword set of a `String[Boolean]` value, or null when it is not a valid keyword set. */
export function parseKeywordSet(value: unknown): string[] | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out = new Set<string>();
  for (const [keyword, flag] of Object.entries(value as Record<string, unknown>)) {
    if (flag !== true || !isValidKeyword(keyword)) return null;
    out.add(keyword.toLowerCase());
  }
  return [...out].sort();
}

/** RFC 8621 2 unreadEmails: an email counts as unread when it has neither "$seen" nor "$draft". */
export function isUnread(keywords: readonly string[]): boolean {
  return !keywords.includes('$seen') && !keywords.includes('$draft');
}
