/** Email/set update and destroy decided against the emails (RFC 8621 4.6). */
import { describe, expect, it } from 'vitest';
import { decideEmailChanges, type ChangesState } from './email-changes.decider.js';

const limits = { maxKeywordsPerEmail: 3, maxMailboxesPerEmail: 2, maxSizeAttachmentsPerEmail: 1000 };
const state: ChangesState = {
  emails: new Map([
    ['E1', { id: 'E1', blobId: 'G1', keywords: ['$seen'], mailboxIds: ['M1'] }],
    ['E2', { id: 'E2', blobId: 'G2', keywords: [], mailboxIds: ['M1', 'M2'] }],
  ]),
  mailboxIds: new Set(['M1', 'M2', 'M3']),
};
const decide = (update: Parameters<typeof decideEmailChanges>[1]['update'], destroy: string[] = []) =>
  decideEmailChanges(state, { update, destroy, limits });

describe('decideEmailChanges', () => {
  it('patches keywords member by member and replaces them whole', () => {
    const r = decide([
      { id: 'E1', keywords: { add: ['$flagged'], remove: ['$seen'] } },
      { id: 'E2', keywords: { replace: ['work', '$seen'] } },
    ]);
    expect(r.events).toEqual([
      { type: 'EmailKeywordsChanged', v: 1, data: { id: 'E1', keywords: ['$flagged'] } },
      { type: 'EmailKeywordsChanged', v: 1, data: { id: 'E2', keywords: ['$seen', 'work'] } },
    ]);
    expect(r.updated).toEqual({ E1: null, E2: null });
  });

  it('reports an update that changes nothing as updated without an event', () => {
    const r = decide([{ id: 'E1', keywords: { add: ['$seen'], remove: [] } }]);
    expect([r.events, r.updated]).toEqual([[], { E1: null }]);
  });

  it('moves mailboxes; an unknown mailbox, no mailbox left or too many are refused', () => {
    const r = decide([{ id: 'E1', mailboxIds: { add: ['M3'], remove: ['M1'] } }]);
    expect(r.events).toEqual([
      { type: 'EmailMailboxesChanged', v: 1, data: { id: 'E1', mailboxIds: ['M3'] } },
    ]);
    expect(decide([{ id: 'E1', mailboxIds: { replace: ['Mx'] } }]).notUpdated.E1).toMatchObject({
      type: 'invalidProperties',
      properties: ['mailboxIds'],
    });
    expect(decide([{ id: 'E2', mailboxIds: { add: [], remove: ['M1', 'M2'] } }]).notUpdated.E2).toMatchObject(
      {
        type: 'invalidProperties',
        properties: ['mailboxIds'],
      },
    );
    expect(decide([{ id: 'E2', mailboxIds: { add: ['M3'], remove: [] } }]).notUpdated.E2).toMatchObject({
      type: 'tooManyMailboxes',
    });
  });

  it('refuses more keywords than the limit with tooManyKeywords, and appends nothing for that email', () => {
    const r = decide([{ id: 'E1', keywords: { add: ['a', 'b', 'c'], remove: [] } }]);
    expect(r.notUpdated.E1).toMatchObject({ type: 'tooManyKeywords' });
    expect(r.events).toEqual([]);
  });

  it('destroys known emails and releases their blobs; unknown ids are notFound', () => {
    const r = decide([{ id: 'Ex', keywords: { replace: [] } }], ['E2', 'Ey']);
    expect(r.notUpdated.Ex).toMatchObject({ type: 'notFound' });
    expect(r.destroyed).toEqual(['E2']);
    expect(r.releasedBlobs).toEqual(['G2']);
    expect(r.notDestroyed.Ey).toMatchObject({ type: 'notFound' });
    expect(r.events).toEqual([{ type: 'EmailDestroyed', v: 1, data: { id: 'E2' } }]);
  });
});
