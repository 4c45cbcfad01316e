/** Email/set update patches (RFC 8621 4.6, RFC 8620 5.3): only keywords and mailboxIds, whole or by path. */
import { describe, expect, it } from 'vitest';
import { parseEmailPatch } from './email-patch.js';

const resolve = (ref: string) => (ref === 'new' ? 'Mnew' : null);
const parse = (patch: Record<string, unknown>) => parseEmailPatch('E1', patch, resolve);

describe('parseEmailPatch', () => {
  it('reads whole values and patch paths, lowercasing keywords and resolving creation ids', () => {
    expect(parse({ keywords: { $Seen: true }, 'mailboxIds/#new': true, 'mailboxIds/M1': null })).toEqual({
      item: { id: 'E1', keywords: { replace: ['$seen'] }, mailboxIds: { add: ['Mnew'], remove: ['M1'] } },
    });
    expect(parse({ 'keywords/$flagged': true, 'keywords/$seen': null })).toEqual({
      item: { id: 'E1', keywords: { add: ['$flagged'], remove: ['$seen'] } },
    });
  });

  it('refuses every other property, bad keywords and bad values with invalidProperties', () => {
    expect(parse({ subject: 'x', 'bodyStructure/type': 'y' })).toMatchObject({
      error: { type: 'invalidProperties', properties: ['subject', 'bodyStructure'] },
    });
    expect(parse({ 'keywords/a(b': true })).toMatchObject({ error: { properties: ['keywords'] } });
    expect(parse({ 'keywords/$seen': false })).toMatchObject({ error: { properties: ['keywords'] } });
    expect(parse({ 'mailboxIds/#unknown': true })).toMatchObject({ error: { properties: ['mailboxIds'] } });
  });

  it('refuses a property patched both whole and by path with invalidPatch', () => {
    expect(parse({ keywords: {}, 'keywords/$seen': true })).toMatchObject({
      error: { type: 'invalidPatch' },
    });
  });
});
