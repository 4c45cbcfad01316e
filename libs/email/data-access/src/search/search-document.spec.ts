/**
 * The service's part of the body's full-text document without a database: what the stemmer gives for Porter's
 * examples and which chunks it leaves to PostgreSQL. The int test (search-document.int.spec.ts) compares both
 * with PostgreSQL itself.
 */
import { describe, expect, it } from 'vitest';
import { englishStem } from './english-stem.js';
import { bodySearchDocument, rememberChunks, tokenizeBody, unknownChunks } from './search-document.js';

describe('englishStem (Porter2 as PostgreSQL 18 ships it)', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'tie'],
    ['cats', 'cat'],
    ['gas', 'gas'],
    ['agreed', 'agre'],
    ['feed', 'feed'],
    ['hopping', 'hop'],
    ['hoping', 'hope'],
    ['added', 'add'],
    ['upped', 'up'],
    ['generously', 'generous'],
    ['communism', 'communism'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['happily', 'happili'],
    ['dying', 'die'],
    ['skies', 'sky'],
    ['succeeding', 'succeed'],
    ['emergency', 'emerg'],
    ['biology', 'biolog'],
    ['yelling', 'yell'],
  ])('%s is %s', (word, stem) => {
    expect(englishStem(word)).toBe(stem);
  });
});

describe('tokenizeBody', () => {
  const items = (text: string) =>
    tokenizeBody(text).items.map((i) => (i === null ? null : 'key' in i ? `[${i.key}]` : i.text));

  it('stems words, keeps numbers and drops stop words, each taking a position', () => {
    expect(items('The Running (dogs), 2024 items: end.')).toEqual([
      null,
      'run',
      'dog',
      '2024',
      'item',
      'end',
    ]);
  });

  it('leaves hyphenated words, addresses, decimals and words with digits to PostgreSQL, in order', () => {
    expect(items('see follow-up at a@b.org 3.5 beta1 ok')).toEqual([
      'see',
      '[ follow-up]',
      null,
      '[ a@b.org]',
      '[ 3.5]',
      '[ beta1]',
      'ok',
    ]);
  });

  it('reads punctuation alone as blanks, except at the start of the text', () => {
    expect(items('> quoted -- text & words')).toEqual(['[>]', 'quot', 'text', 'word']);
  });

  it('gives the rest of the text to PostgreSQL from a "<" that may open a tag', () => {
    const body = tokenizeBody('one <a href="x y"> two <https://example.org/> three');
    expect(body.items.map((i) => i !== null && 'text' in i && i.text)).toEqual(['one']);
    expect(body.rest).toBe(' <a href="x y"> two <https://example.org/> three');
    expect(tokenizeBody('one <https://example.org/> two').rest).toBeNull();
  });

  it('builds the literal with the positions a chunk takes, and marks trailing stop words before a rest', () => {
    const body = tokenizeBody('plain to-do words');
    const unknown = unknownChunks([body]);
    expect(unknown).toEqual([' to-do']);
    // As PostgreSQL answers for ' to-do x0jmapsentinel0x': the compound and its two stop-word parts.
    rememberChunks(unknown, ["'to-do':1 'x0jmapsentinel0x':4"]);
    expect(bodySearchDocument(body, 'plain to-do words')).toEqual({
      literal: "'plain':1 'to-do':2 'word':5",
      rest: null,
    });
    const withRest = tokenizeBody('words to <b');
    expect(bodySearchDocument(withRest, 'words to <b')).toEqual({ literal: "'word':1 '~ ~':2", rest: ' <b' });
  });
});
