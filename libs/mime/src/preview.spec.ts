import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text.js';
import { preview } from './preview.js';
import { eml, multipart, parse } from './spec-helpers.js';

const previewOf = (text: string) => preview(eml(text), parse(text));

describe('RFC 8621 4.1.4 preview', () => {
  it('is the textBody text with white space collapsed', () => {
    expect(previewOf('Content-Type: text/plain\n\n  Hello,\n\n\tworld  \n')).toBe('Hello, world');
  });

  it('is never more than 256 characters and does not split a surrogate pair', () => {
    expect(previewOf(`\n${'word '.repeat(100)}`)).toHaveLength(256);
    const emoji = previewOf(`Content-Type: text/plain; charset=utf-8\n\n${'😀'.repeat(200)}`);
    expect(emoji.length).toBeLessThanOrEqual(256);
    expect(emoji.endsWith('😀')).toBe(true);
  });

  it('prefers text/plain and converts HTML to text when there is no plain part', () => {
    expect(
      previewOf(
        multipart('alternative', 'a', [
          ['Content-Type: text/plain', 'plain'],
          ['Content-Type: text/html', '<b>html</b>'],
        ]),
      ),
    ).toBe('plain');
    expect(
      previewOf(
        'Content-Type: text/html\n\n<html><head><title>t</title></head><body><p>A&amp;B</p></body></html>',
      ),
    ).toBe('A&B');
  });

  it('decodes the charset of the body', () => {
    expect(
      previewOf(
        'Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9',
      ),
    ).toBe('café');
  });
});

describe('HTML to text for previews', () => {
  it('drops head, script, style and comments and decodes character references', () => {
    expect(
      htmlToText(
        '<head><style>x</style></head><!-- c --><p>a&lt;b&#x263A;&#9731;&nbsp;&unknown;</p><script>s</script>z',
      )
        .replace(/[ \n]+/g, ' ')
        .trim(),
    ).toBe('a<b☺☃\u00a0&unknown; z');
  });
});
