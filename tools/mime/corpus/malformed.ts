/** Corpus: broken encodings, line endings and MIME syntax that real mail still contains. */
import { b64, bare, basics, crlf, type Fixture } from './helpers.js';

export const malformed: Fixture[] = [
  {
    name: '060-quoted-printable-edges',
    raw: () =>
      crlf(
        basics('Quoted-printable edge cases'),
        'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n\n',
        'Soft line=\nbreak, lowercase hex =c3=a9, padding after soft break=   \nand trailing spaces removed   \n',
        'Broken: =ZZ, =4, lone = sign, =\t\nend of body=',
      ),
  },
  {
    name: '061-base64-broken',
    raw: () =>
      crlf(
        basics('Broken base64'),
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n',
        'SGVsbG8g*!#d29y\nbGQh  IM\n',
        '--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: BASE64\n\n',
        'Q29uY2F0ZW5hdGVk=\nIGJsb2Jz\n',
        '--b--\n',
      ),
  },
  {
    name: '062-unknown-transfer-encoding',
    raw: () =>
      crlf(
        basics('Unknown transfer encoding'),
        'Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 file.txt\n#86)C\n`\nend\n',
      ),
  },
  {
    name: '063-bare-lf',
    raw: () =>
      bare(
        basics('Bare LF line endings'),
        'Content-Type: multipart/alternative; boundary="lf"\n\n--lf\nContent-Type: text/plain\n\nLine one\nLine two\n--lf\nContent-Type: text/html\n\n<p>Line one<br>Line two</p>\n--lf--\n',
      ),
  },
  {
    name: '064-mixed-line-endings',
    raw: () =>
      bare(
        'From: alice@example.com\r\nTo: bob@example.org\nSubject: Mixed\r\n line endings\nDate: Mon, 6 Jan 2025 09:30:00 +0000\r\n',
        'Content-Type: multipart/mixed; boundary="m"\n\r\n--m\r\nContent-Type: text/plain\n\nCRLF line\r\nLF line\nlast\r\n--m\nContent-Type: text/plain\r\n\r\nsecond part\n--m--\r\n',
      ),
  },
  {
    name: '065-very-long-lines',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        `Subject: ${'long '.repeat(2000)}end\n`,
        'Content-Type: text/plain; charset=utf-8\n\n',
        `${'Grüße, '.repeat(30000)}\nSecond line.\n`,
      ),
  },
  {
    name: '066-unterminated-multipart',
    raw: () =>
      crlf(
        basics('No close delimiter'),
        'Content-Type: multipart/mixed; boundary="open"\n\n--open\nContent-Type: text/plain\n\nFirst part.\n--open\nContent-Type: text/plain; name="cut.txt"\n\nThe message was cut off here',
      ),
  },
  {
    name: '067-multipart-without-boundary',
    raw: () =>
      crlf(
        basics('Multipart without a boundary'),
        'Content-Type: multipart/mixed\n\n--whatever\nContent-Type: text/plain\n\nUnreachable structure.\n--whatever--\n',
      ),
  },
  {
    name: '068-boundary-never-appears',
    raw: () =>
      crlf(
        basics('Boundary never appears'),
        'Content-Type: multipart/alternative; boundary="missing"\n\n--other\nContent-Type: text/plain\n\nText under the wrong boundary.\n--other--\n',
      ),
  },
  {
    name: '069-boundary-prefixes',
    raw: () =>
      crlf(
        basics('Nested boundaries that are prefixes of each other'),
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: multipart/alternative; boundary="b-inner"\n\n',
        '--b-inner\nContent-Type: text/plain\n\nInner plain. A line starting with --b-not-a-delimiter stays.\n--b-notdelimiter\n',
        '--b-inner\nContent-Type: text/html\n\n<p>Inner HTML.</p>\n--b-inner--\n',
        '--b   \nContent-Type: text/plain; name="after.txt"\n\nOuter part after a delimiter with trailing white space.\n--b--',
      ),
  },
  {
    name: '070-garbage-header-line',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: A garbage line ends the header\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        'this line is not a header field\nContent-Type: text/html\n\nEverything from the garbage line on is body.\n',
      ),
  },
  {
    name: '071-invalid-content-type',
    raw: () =>
      crlf(
        basics('Invalid Content-Type values'),
        'Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: garbage\n\nInvalid type means text/plain.\n',
        '--outer\nContent-Type: TEXT/HTML (comment) ; CHARSET="UTF-8"\n\n<p>Uppercase type with a comment.</p>\n',
        '--outer\nContent-Type: image/png; charset=utf-8\nContent-Disposition: Inline (shown)\nContent-Transfer-Encoding: base64\n\n',
        b64('not really a png'),
        '--outer--\n',
      ),
  },
];
