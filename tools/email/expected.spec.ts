/**
 * The Email/get expectations of the corpus (tests/fixtures/email/expected) differ from the reviewed MIME views
 * (tests/fixtures/mime/expected) only by what the server adds at import: the metadata properties, a blob id on
 * every part (the message's SHA-256 and the part id), and the part objects in place of the part ids of
 * textBody, htmlBody and attachments. `problems` is a diagnostic of the MIME library, not an Email property.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED_DIR as MIME_EXPECTED, MESSAGES_DIR } from '../mime/paths.js';
import { importPlan, partBlobIdOf } from './email-expectation.js';
import { EMAIL_EXPECTED_DIR } from './paths.js';

type Json = Record<string, unknown>;
const SERVER_SET = ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'receivedAt'];

const messages = readdirSync(MESSAGES_DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();

/** The part without the server's blob id, checking that the blob id is the one the scheme gives. */
function withoutBlobIds(part: Json, sha256: string): Json {
  const { blobId, subParts, ...rest } = part as Json & { subParts?: Json[] };
  expect(blobId).toBe(rest.partId === null ? null : partBlobIdOf(sha256, rest.partId as string));
  return subParts ? { ...rest, subParts: subParts.map((p) => withoutBlobIds(p, sha256)) } : rest;
}

describe('Email expectations of the corpus', () => {
  it('cover every message of the MIME corpus (at least 60)', () => {
    expect(messages.length).toBeGreaterThanOrEqual(60);
    expect(readdirSync(EMAIL_EXPECTED_DIR).filter((f) => f.endsWith('.json'))).toHaveLength(messages.length);
  });

  it.each(messages.map((m, i) => [m, i] as const))(
    '%s differs from its MIME view only by what the server adds',
    (file, index) => {
      const name = file.replace(/\.eml$/, '.json');
      const raw = readFileSync(join(MESSAGES_DIR, file));
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const email = JSON.parse(readFileSync(join(EMAIL_EXPECTED_DIR, name), 'utf8')) as Json;
      const { problems: _problems, ...mime } = JSON.parse(
        readFileSync(join(MIME_EXPECTED, name), 'utf8'),
      ) as Json;

      const plan = importPlan(index);
      expect(email).toMatchObject({
        id: '$id',
        blobId: `G${sha256}`,
        threadId: '$threadId',
        mailboxIds: { $inbox: true },
        ...plan,
      });
      const rest: Json = Object.fromEntries(Object.entries(email).filter(([k]) => !SERVER_SET.includes(k)));
      const tree = rest.bodyStructure as Json;
      const leaves = new Map<string, Json>();
      const walk = (p: Json) => {
        const { subParts, ...leaf } = p as Json & { subParts?: Json[] };
        if (p.partId !== null) leaves.set(p.partId as string, leaf);
        subParts?.forEach(walk);
      };
      walk(tree);
      for (const list of ['textBody', 'htmlBody', 'attachments']) {
        const parts = rest[list] as Json[];
        for (const part of parts) expect(part).toEqual(leaves.get(part.partId as string));
        rest[list] = parts.map((p) => p.partId);
      }
      rest.bodyStructure = withoutBlobIds(tree, sha256);
      expect(rest).toEqual(mime);
    },
  );
});
