import { describe, expect, it } from 'vitest';
import { baseSubject } from './base-subject.js';

describe('RFC 5256 2.1 base subject', () => {
  it.each([
    ['Hello', 'Hello'],
    ['Re: Hello', 'Hello'],
    ['RE: re: Fwd: FW: hello', 'hello'],
    ['Re[2]: Hello', 'Hello'],
    ['Re : Hello', 'Hello'],
    ['[list] Re: Hello', 'Hello'],
    ['Re: [list] Re: Hello', 'Hello'],
    ['[list] Hello', 'Hello'],
    ['[only a blob]', '[only a blob]'],
    ['[a] [b]', '[b]'],
    ['Hello (fwd)', 'Hello'],
    ['Hello (FWD)  (fwd) ', 'Hello'],
    ['[Fwd: Hello]', 'Hello'],
    ['[fwd: Re: [fwd: Hello (fwd)]]', 'Hello'],
    ['Re:\tfolded\r\n  subject', 'folded subject'],
    ['Reply to this', 'Reply to this'],
    ['Fwdx: Hello', 'Fwdx: Hello'],
    ['', ''],
  ])('(%j) -> %j', (subject, base) => {
    expect(baseSubject(subject)).toBe(base);
  });

  it('stays linear on subjects made of thousands of blobs or trailers', () => {
    const started = Date.now();
    baseSubject('[x]'.repeat(100_000));
    baseSubject(`a${' (fwd)'.repeat(50_000)}`);
    baseSubject('Re: '.repeat(50_000));
    baseSubject('[fwd: '.repeat(20_000) + 'x' + ']'.repeat(20_000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
