/** Corpus: MIME structure (RFC 8621 4.1.4 textBody/htmlBody/attachments cases). */
import { b64, basics, crlf, type Fixture } from './helpers.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const inner = `From: Carol <carol@example.net>
To: Alice Example <alice@example.com>
Subject: The original message
Date: Sun, 5 Jan 2025 18:00:00 -0500
Message-ID: <original@example.net>
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=us-ascii

Original text.
--inner
Content-Type: text/html; charset=us-ascii

<p>Original text.</p>
--inner--
`;

export const structure: Fixture[] = [
  {
    name: '001-plain-ascii',
    raw: () =>
      crlf(
        basics('Plain ASCII message'),
        'Content-Type: text/plain; charset=us-ascii\n\nHello Bob,\n\nThis is a plain message.\n\n-- \nAlice\n',
      ),
  },
  {
    name: '002-no-mime-headers',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: No MIME headers at all\nDate: 6 Jan 2025 09:30 +0000\n\nA body with no Content-Type: text/plain; charset=us-ascii is implied.\n',
      ),
  },
  {
    name: '003-alternative',
    raw: () =>
      crlf(
        basics('Alternative text and HTML'),
        'Content-Type: multipart/alternative; boundary="alt"\n\nThis is a MIME preamble.\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHello in plain text.\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Hello in <b>HTML</b>.</p></body></html>\n--alt--\nThis is an epilogue.\n',
      ),
  },
  {
    name: '004-mixed-pdf-attachment',
    raw: () =>
      crlf(
        basics('Report attached'),
        'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\nContent-Type: text/plain; charset=us-ascii\n\nPlease find the report attached.\n--mix\nContent-Type: application/pdf; name="report.pdf"\nContent-Disposition: attachment; filename="report.pdf"\nContent-Transfer-Encoding: base64\n\n',
        b64(PDF),
        '--mix--\n',
      ),
  },
  {
    name: '005-related-inline-image',
    raw: () =>
      crlf(
        basics('Newsletter with an inline logo'),
        'Content-Type: multipart/alternative; boundary="a"\n\n--a\nContent-Type: text/plain; charset=utf-8\n\nOur newsletter. [logo]\n--a\nContent-Type: multipart/related; boundary="r"; type="text/html"\n\n--r\nContent-Type: text/html; charset=utf-8\n\n<p>Our newsletter. <img src="cid:logo.1@example.com" alt="logo"></p>\n--r\nContent-Type: image/png\nContent-ID: <logo.1@example.com>\nContent-Transfer-Encoding: base64\n\n',
        b64(PNG),
        '--r--\n--a--\n',
      ),
  },
  {
    name: '006-rfc8621-example-tree',
    // The structure RFC 8621 4.1.4 uses as its example: textBody [A,B,C,D,K], htmlBody [A,E,K],
    // attachments [C,F,G,H,J].
    raw: () =>
      crlf(
        basics('List footer example from RFC 8621'),
        'Content-Type: multipart/mixed; boundary="m1"\n\n',
        '--m1\nContent-Type: text/plain\nContent-Disposition: inline\n\nA: list header\n',
        '--m1\nContent-Type: multipart/mixed; boundary="m2"\n\n',
        '--m2\nContent-Type: multipart/alternative; boundary="alt"\n\n',
        '--alt\nContent-Type: multipart/mixed; boundary="m3"\n\n',
        '--m3\nContent-Type: text/plain\nContent-Disposition: inline\n\nB: text before the image\n',
        '--m3\nContent-Type: image/jpeg\nContent-Disposition: inline\n\nC-image-bytes\n',
        '--m3\nContent-Type: text/plain\nContent-Disposition: inline\n\nD: text after the image\n',
        '--m3--\n',
        '--alt\nContent-Type: multipart/related; boundary="rel"\n\n',
        '--rel\nContent-Type: text/html\n\n<p>E: the HTML version <img src="cid:f@example.com"></p>\n',
        '--rel\nContent-Type: image/jpeg\nContent-ID: <f@example.com>\n\nF-image-bytes\n',
        '--rel--\n--alt--\n',
        '--m2\nContent-Type: image/jpeg\nContent-Disposition: attachment\n\nG-image-bytes\n',
        '--m2\nContent-Type: application/x-excel\n\nH-spreadsheet-bytes\n',
        '--m2\nContent-Type: message/rfc822\n\nSubject: J\n\nJ: attached message\n',
        '--m2--\n',
        '--m1\nContent-Type: text/plain\nContent-Disposition: inline\n\nK: list footer\n',
        '--m1--\n',
      ),
  },
  {
    name: '007-html-only',
    raw: () =>
      crlf(
        basics('HTML only'),
        'Content-Type: text/html; charset=utf-8\n\n<!DOCTYPE html><html><head><title>Ignored title</title><style>p{color:red}</style></head><body><p>Only&nbsp;HTML &amp; no plain part.</p><script>alert(1)</script><p>Second&#32;paragraph &#x263A;</p></body></html>\n',
      ),
  },
  {
    name: '008-alternative-html-first',
    raw: () =>
      crlf(
        basics('Alternative with HTML listed first'),
        'Content-Type: multipart/alternative; boundary="x"\n\n--x\nContent-Type: text/html\n\n<p>HTML first</p>\n--x\nContent-Type: text/plain\n\nPlain second\n--x--\n',
      ),
  },
  {
    name: '009-mixed-text-and-html-siblings',
    raw: () =>
      crlf(
        basics('Text and HTML side by side in a mixed'),
        'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nPlain part.\n--x\nContent-Type: text/html\n\n<p>HTML part.</p>\n--x--\n',
      ),
  },
  {
    name: '010-text-attachment-with-filename',
    raw: () =>
      crlf(
        basics('Notes attached as text'),
        'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nSee the notes.\n--x\nContent-Type: text/plain; name="notes.txt"\n\nThese are the notes.\n--x\nContent-Type: text/plain\nContent-Disposition: attachment\n\nAn attachment without a name.\n--x--\n',
      ),
  },
  {
    name: '011-inline-image-between-text',
    raw: () =>
      crlf(
        basics('Photo between two paragraphs'),
        'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nHere is the photo:\n--x\nContent-Type: image/png\nContent-Disposition: inline; filename="photo.png"\nContent-Transfer-Encoding: base64\n\n',
        b64(PNG),
        "--x\nContent-Type: text/plain\n\nNice, isn't it?\n--x--\n",
      ),
  },
  {
    name: '012-image-as-attachment',
    raw: () =>
      crlf(
        basics('Image as an attachment'),
        'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nThe scan is attached.\n--x\nContent-Type: image/png; name="scan.png"\nContent-Disposition: attachment; filename="scan.png"\nContent-Transfer-Encoding: base64\n\n',
        b64(PNG),
        '--x--\n',
      ),
  },
  {
    name: '013-message-rfc822-attachment',
    raw: () =>
      crlf(
        basics('Fwd: The original message'),
        'Content-Type: multipart/mixed; boundary="fwd"\n\n--fwd\nContent-Type: text/plain\n\nForwarding this.\n--fwd\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename="original.eml"\n\n',
        inner,
        '\n--fwd--\n',
      ),
  },
  {
    name: '014-message-global',
    raw: () =>
      crlf(
        basics('Forwarded internationalised message'),
        'Content-Type: multipart/mixed; boundary="g"\n\n--g\nContent-Type: text/plain\n\nSee below.\n--g\nContent-Type: message/global\n\nFrom: Jörg <jörg@bücher.example>\nSubject: Grüße\n\nHallo.\n--g--\n',
      ),
  },
  {
    name: '015-digest',
    raw: () =>
      crlf(
        basics('List digest, Vol 1 Issue 2'),
        'Content-Type: multipart/mixed; boundary="outer"\n\n--outer\nContent-Type: text/plain\n\nToday\'s topics: two messages.\n--outer\nContent-Type: multipart/digest; boundary="dig"\n\n--dig\n\nFrom: one@example.com\nSubject: First\n\nFirst message.\n--dig\n\nFrom: two@example.com\nSubject: Second\n\nSecond message.\n--dig\nContent-Type: text/plain\n\nAn explicitly typed text part inside the digest.\n--dig--\n--outer--\n',
      ),
  },
];
