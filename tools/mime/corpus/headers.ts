/** Corpus: header fields (RFC 8621 4.1.2 forms, RFC 2047, RFC 2231, RFC 6532, duplicates and omissions). */
import { b64, bare, basics, crlf, ew, type Fixture } from './helpers.js';

const plain = 'Content-Type: text/plain; charset=us-ascii\n\nBody.\n';

export const headers: Fixture[] = [
  {
    name: '026-encoded-word-subjects',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        // Adjacent words joined; a word split mid-character across two B words; text next to a word kept.
        `Subject: ${ew('Grüße', 'utf-8', 'Q')} ${ew('aus', 'utf-8', 'B')}\n   ${ew(' Köln', 'iso-8859-1', 'Q')} and plain text =?utf-8?q?=E2=82?= =?utf-8?q?=AC?= end\n`,
        // Not decoded: inside a word, unknown charset, malformed B, "?" in Q text, UTF-7 refused.
        'X-Bad-Words: word=?utf-8?q?inside?= =?x-unknown?q?unknown?= =?utf-8?b?@@@@?= =?utf-8?q?a?b?= =?utf-7?q?+ADw-?=\n',
        `X-Controls: ${ew('bell\u0007tab\tnul\u0000end', 'utf-8', 'B')}\n`,
        'X-Lowercase: =?UTF-8?b?w6k=?= =?utf-8?Q?=c3=a9?=\n',
        `Comments: ${ew('日本語のコメント', 'utf-8', 'B')}\n`,
        plain,
      ),
  },
  {
    name: '027-encoded-words-in-addresses',
    raw: () =>
      crlf(
        `From: ${ew('Jörg Müller', 'utf-8', 'Q')} <joerg@example.de>\n`,
        `To: "Smith, John \\"JJ\\"" <john@example.com>, ${ew('Ελένη', 'iso-8859-7', 'B')} ${ew('Παπαδοπούλου', 'utf-8', 'B')} <eleni@example.gr>,\n`,
        ' "=?utf-8?q?Quoted_Encoded?=" <quoted@example.com>, mary@example.com (Mary ',
        `${ew('Ødegård', 'utf-8', 'Q')})\n`,
        `Cc: ${ew('Team Ü', 'utf-8', 'Q')}: a@example.com, Dr. B. Jones <b@example.com>;, <c@example.com>\n`,
        'Reply-To: "  Spaced   Name  " <spaced@example.com>\n',
        'Sender: <@relay.example,@other.example:routed@example.com>\n',
        'Subject: Encoded words in address fields\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        plain,
      ),
  },
  {
    name: '028-groups-and-undisclosed',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: undisclosed-recipients:;\nCc: Friends: jane@example.com, "John Q." <john@example.com>;, other@example.com\n',
        'Bcc:\nSubject: Groups\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        plain,
      ),
  },
  {
    name: '029-duplicate-headers',
    raw: () =>
      crlf(
        'From: first@example.com\nFrom: second@example.com\nTo: bob@example.org\nSubject: First subject\nSubject: Second subject\n',
        'Date: Mon, 6 Jan 2025 09:30:00 +0000\nDate: Tue, 7 Jan 2025 10:00:00 +0000\nMessage-ID: <one@example.com>\nMessage-ID: <two@example.com>\n',
        'Content-Type: text/html; charset=utf-8\nContent-Type: text/plain; charset=iso-8859-1\n\n<p>Which type wins?</p>\n',
      ),
  },
  {
    name: '030-missing-headers',
    raw: () =>
      crlf('X-Only: nothing standard here\n\nA message with no From, To, Subject, Date or Message-ID.\n'),
  },
  {
    name: '031-raw-utf8-headers',
    raw: () =>
      crlf(
        'From: Jörg Müller <jörg@bücher.example>\nTo: 山田太郎 <taro@例え.jp>, "Zoë" <zoe@example.com>\n',
        'Subject: Ünïcödé without encoding (RFC 6532) ☃\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße ☃\n',
      ),
  },
  {
    name: '032-invalid-octets-in-headers',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: Caf',
        Buffer.from([0xe9, 0x20, 0x6c, 0x61, 0x74, 0x69, 0x6e, 0x31]),
        '\nX-Nul: a',
        Buffer.from([0x00]),
        'b\nX-Split-Utf8: ',
        Buffer.from([0xe2, 0x82]),
        ' cut\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        plain,
      ),
  },
  {
    name: '033-message-ids',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: Re: Message ids\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        'Message-ID: (comment) <\n msg.1@example.com>\n',
        'In-Reply-To: Your message of Sunday <parent@example.org> (sent from the web)\n',
        'References: <root@example.org>\n\t<parent@example.org> <[literal]@example.org>\n  <missing-close@example.org\n',
        'Resent-Message-ID: bare-id@example.org\n',
        plain,
      ),
  },
  {
    name: '034-obsolete-date',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: Old date\nDate: Fri, 21 Nov 97 09:55:06 GMT (the RFC 5322 example)\n',
        plain,
      ),
  },
  {
    name: '035-invalid-date',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: Bad date\nDate: yesterday at noon\n',
        plain,
      ),
  },
  {
    name: '036-list-headers',
    raw: () =>
      crlf(
        basics('List mail'),
        'List-Id: Example List <list.example.com>\nList-Unsubscribe: <mailto:list-request@example.com?subject=unsubscribe>,\n <https://example.com/unsub?id=1>\n',
        'List-Post: NO (posting not allowed on this list)\nList-Help: <https://example.com/\n help> (web help)\n',
        plain,
      ),
  },
  {
    name: '037-folded-subject',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n',
        'Subject: A long subject that was folded\n\tonto a second line with a tab\n    and a third with spaces\n',
        plain,
      ),
  },
  {
    name: '038-header-syntax-edges',
    raw: () =>
      crlf(
        'From:alice@example.com\nTo: bob@example.org\nSubject :no space after colon, space before it\nX-Empty:\nX-Blank:   \n',
        'Date: Mon, 6 Jan 2025 09:30:00 +0000\nx-lowercase-name: value\n',
        plain,
      ),
  },
  {
    name: '039-mbox-from-line',
    raw: () =>
      bare(
        'From alice@example.com Mon Jan  6 09:30:00 2025\nFrom: alice@example.com\nTo: bob@example.org\nSubject: Saved from an mbox\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n\nBody after an mbox separator.\n',
      ),
  },
  {
    name: '040-rfc2231-filenames',
    raw: () =>
      crlf(
        basics('RFC 2231 parameters'),
        'Content-Type: multipart/mixed; boundary="p"\n\n--p\nContent-Type: text/plain\n\nThree attachments.\n',
        '--p\nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*0*=utf-8\'\'%E2%82%AC%20rates%20;\n filename*1*=for%20K%C3%B6ln;\n filename*2=".pdf"\n\nfirst\n',
        "--p\nContent-Type: application/octet-stream; name*=iso-8859-1'de'Gr%FC%DFe.txt\n\nsecond\n",
        '--p\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*1="part-two.txt"; filename*0="continued-"\n\nthird\n',
        '--p--\n',
      ),
  },
  {
    name: '041-rfc2047-filenames',
    raw: () =>
      crlf(
        basics('RFC 2047 in parameters'),
        'Content-Type: multipart/mixed; boundary="p"\n\n--p\nContent-Type: text/plain\n\nTwo attachments.\n',
        `--p\nContent-Type: application/pdf; name="${ew('Rechnung März', 'utf-8', 'B')}.pdf"\n\nfirst\n`,
        `--p\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="${ew('Отчёт', 'koi8-r', 'B')}${ew(' за год', 'windows-1251', 'Q')}.pdf"\n\nsecond\n`,
        '--p--\n',
      ),
  },
  {
    name: '042-filename-precedence',
    raw: () =>
      crlf(
        basics('Which name wins'),
        'Content-Type: multipart/mixed; boundary="p"\n\n--p\nContent-Type: text/plain\n\nAttachments follow.\n',
        '--p\nContent-Type: image/png; name="from-content-type.png"\nContent-Disposition: attachment; filename="from-disposition.png"\nContent-Transfer-Encoding: base64\n\n',
        b64('png'),
        '--p\nContent-Type: application/zip; name=unquoted name with spaces.zip\nContent-Disposition: ATTACHMENT\n\nzip\n',
        '--p\nContent-Type: text/plain; charset=utf-8; name="C:\\\\Temp\\\\win.txt"\nContent-Disposition: inline; filename=""\n\nwindows path\n',
        '--p--\n',
      ),
  },
];
