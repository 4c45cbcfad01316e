import { describe, expect, it } from 'vitest';
import { ids, multipart, parse } from './spec-helpers.js';

const TEXT = 'Content-Type: text/plain';
const HTML = 'Content-Type: text/html';
const JPEG = 'Content-Type: image/jpeg';

describe('RFC 8621 4.1.4 textBody/htmlBody/attachments (the suggested parseStructure algorithm)', () => {
  it('decomposes the RFC example into textBody [A,B,C,D,K], htmlBody [A,E,K], attachments [C,F,G,H,J]', () => {
    const m3 = multipart('mixed', 'm3', [
      [`${TEXT}\nContent-Disposition: inline`, 'B'],
      [`${JPEG}\nContent-Disposition: inline`, 'C'],
      [`${TEXT}\nContent-Disposition: inline`, 'D'],
    ]);
    const rel = multipart('related', 'rel', [
      [HTML, 'E'],
      [JPEG, 'F'],
    ]);
    const alt = multipart('alternative', 'alt', [
      [m3.split('\n\n')[0], m3.slice(m3.indexOf('\n\n') + 2)],
      [rel.split('\n\n')[0], rel.slice(rel.indexOf('\n\n') + 2)],
    ]);
    const m2 = multipart('mixed', 'm2', [
      [alt.split('\n\n')[0], alt.slice(alt.indexOf('\n\n') + 2)],
      [`${JPEG}\nContent-Disposition: attachment`, 'G'],
      ['Content-Type: application/x-excel', 'H'],
      ['Content-Type: message/rfc822', 'Subject: J\n\nJ'],
    ]);
    const msg = parse(
      multipart('mixed', 'm1', [
        [`${TEXT}\nContent-Disposition: inline`, 'A'],
        [m2.split('\n\n')[0], m2.slice(m2.indexOf('\n\n') + 2)],
        [`${TEXT}\nContent-Disposition: inline`, 'K'],
      ]),
    );
    const A = '1',
      B = '2.1.1.1',
      C = '2.1.1.2',
      D = '2.1.1.3',
      E = '2.1.2.1',
      F = '2.1.2.2';
    const G = '2.2',
      H = '2.3',
      J = '2.4',
      K = '3';
    expect(ids(msg.textBody)).toEqual([A, B, C, D, K]);
    expect(ids(msg.htmlBody)).toEqual([A, E, K]);
    expect(ids(msg.attachments)).toEqual([C, F, G, H, J]);
  });

  it('alternative: text/plain goes to textBody only and text/html to htmlBody only', () => {
    const msg = parse(
      multipart('alternative', 'a', [
        [TEXT, 'plain'],
        [HTML, '<p>html</p>'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.htmlBody), ids(msg.attachments)]).toEqual([['1'], ['2'], []]);
  });

  it('alternative with only a text part: the text part fills htmlBody too ("Found plaintext part only")', () => {
    const msg = parse(
      multipart('alternative', 'a', [
        [TEXT, 'plain'],
        ['Content-Type: image/gif', 'GIF'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.htmlBody), ids(msg.attachments)]).toEqual([['1'], ['1'], ['2']]);
  });

  it('alternative with only an HTML part: the HTML part fills textBody too ("Found HTML part only")', () => {
    const msg = parse(
      multipart('alternative', 'a', [
        [HTML, '<p>x</p>'],
        ['Content-Type: application/pdf', 'PDF'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.htmlBody), ids(msg.attachments)]).toEqual([['1'], ['1'], ['2']]);
  });

  it('related: only the first part can be inline', () => {
    const msg = parse(
      multipart('related', 'r', [
        [HTML, '<img src="cid:i">'],
        [`${JPEG}\nContent-ID: <i>`, 'JPEG'],
        [TEXT, 'x'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.attachments)]).toEqual([['1'], ['2', '3']]);
  });

  it('a text part with a filename that is not first in its multipart is an attachment', () => {
    const msg = parse(
      multipart('mixed', 'm', [
        [TEXT, 'body'],
        [`${TEXT}; name="a.txt"`, 'file'],
      ]),
    );
    expect(ids(msg.attachments)).toEqual(['2']);
  });

  it('a first text part with a filename stays in the body', () => {
    const msg = parse(
      multipart('mixed', 'm', [
        [`${TEXT}; name="a.txt"`, 'file'],
        [TEXT, 'body'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.attachments)]).toEqual([['1', '2'], []]);
  });

  it('Content-Disposition: attachment always makes an attachment, even for the first text part', () => {
    const msg = parse(multipart('mixed', 'm', [[`${TEXT}\nContent-Disposition: attachment`, 'x']]));
    expect([ids(msg.textBody), ids(msg.attachments)]).toEqual([[], ['1']]);
  });

  it('inline media in a mixed outside any alternative are in both bodies and not in attachments', () => {
    const msg = parse(
      multipart('mixed', 'm', [
        [TEXT, 'a'],
        [JPEG, 'img'],
        [TEXT, 'b'],
      ]),
    );
    expect([ids(msg.textBody), ids(msg.htmlBody), ids(msg.attachments)]).toEqual([
      ['1', '2', '3'],
      ['1', '2', '3'],
      [],
    ]);
  });

  it('message/rfc822 is an attachment and a leaf: bodyStructure does not recurse into it', () => {
    const msg = parse(
      multipart('mixed', 'm', [
        [TEXT, 'a'],
        ['Content-Type: message/rfc822', multipart('mixed', 'in', [[TEXT, 'inner']])],
      ]),
    );
    const attached = msg.bodyStructure.subParts![1];
    expect(attached).toMatchObject({ partId: '2', type: 'message/rfc822' });
    expect(attached.subParts).toBeUndefined();
    expect(ids(msg.attachments)).toEqual(['2']);
  });

  it('partId is null if, and only if, the part is multipart/*', () => {
    const msg = parse(
      multipart('mixed', 'm', [
        [TEXT, 'a'],
        [multipart('alternative', 'x', [[TEXT, 'b']]).split('\n\n')[0], '--x\n\nb\n--x--'],
      ]),
    );
    expect(msg.bodyStructure.partId).toBeNull();
    expect(msg.bodyStructure.subParts!.map((p) => p.partId)).toEqual(['1', null]);
    expect(msg.bodyStructure.subParts![1].subParts![0].partId).toBe('2.1');
  });
});

describe('RFC 8621 4.1.4 hasAttachment', () => {
  it('is false when the only attachments are Content-Disposition: inline', () => {
    const msg = parse(
      multipart('alternative', 'a', [
        [TEXT, 'x'],
        [`${JPEG}\nContent-Disposition: inline`, 'img'],
      ]),
    );
    expect(ids(msg.attachments)).toEqual(['2']);
    expect(msg.hasAttachment).toBe(false);
  });

  it('ignores images the HTML body embeds by cid: (a MAY of the RFC)', () => {
    const related = multipart('related', 'r', [
      [HTML, '<img src="CID:Logo@x">'],
      [`${JPEG}\nContent-ID: <logo@x>`, 'img'],
    ]);
    expect(parse(related).hasAttachment).toBe(false);
    const unreferenced = multipart('related', 'r', [
      [HTML, '<p>no image</p>'],
      [`${JPEG}\nContent-ID: <logo@x>`, 'img'],
    ]);
    expect(parse(unreferenced).hasAttachment).toBe(true);
  });

  it('is true for a real attachment', () => {
    expect(
      parse(
        multipart('mixed', 'm', [
          [TEXT, 'x'],
          ['Content-Type: application/pdf', 'pdf'],
        ]),
      ).hasAttachment,
    ).toBe(true);
  });
});
