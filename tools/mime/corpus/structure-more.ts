/** Corpus: more MIME structures (nesting, signed, reports, media, empty parts). */
import { b64, basics, crlf, type Fixture } from './helpers.js';

const GIF = Buffer.from(
  '47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b',
  'hex',
);

export const structureMore: Fixture[] = [
  {
    name: '016-nested-realistic',
    raw: () =>
      crlf(
        basics('Quarterly numbers'),
        'Content-Type: multipart/mixed; boundary="L1"\n\n--L1\nContent-Type: multipart/alternative; boundary="L2"\n\n',
        '--L2\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nThe numbers are in =E2=80=9Cq3.xlsx=E2=80=9D.\n',
        '--L2\nContent-Type: multipart/related; boundary="L3"\n\n--L3\nContent-Type: text/html; charset=utf-8\n\n<p>The numbers are in <i>q3.xlsx</i>.<img src="cid:chart@x"><img src="cid:sig@x"></p>\n',
        '--L3\nContent-Type: image/gif\nContent-ID: <chart@x>\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n',
        b64(GIF),
        '--L3\nContent-Type: image/gif\nContent-ID: <sig@x>\nContent-Transfer-Encoding: base64\n\n',
        b64(GIF),
        '--L3--\n--L2--\n',
        '--L1\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="q3.xlsx"\nContent-Disposition: attachment; filename="q3.xlsx"\nContent-Transfer-Encoding: base64\n\n',
        b64('PK fake spreadsheet'),
        '--L1--\n',
      ),
  },
  {
    name: '017-calendar-invite',
    raw: () =>
      crlf(
        basics('Invitation: planning meeting'),
        'Content-Type: multipart/alternative; boundary="cal"\n\n--cal\nContent-Type: text/plain; charset=utf-8\n\nYou are invited.\n--cal\nContent-Type: text/html; charset=utf-8\n\n<p>You are invited.</p>\n--cal\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\n\nBEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nEND:VCALENDAR\n--cal--\n',
      ),
  },
  {
    name: '018-pgp-signed',
    raw: () =>
      crlf(
        basics('Signed message'),
        'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"\n\n--sig\nContent-Type: text/plain; charset=us-ascii\n\nThis text is signed.\n--sig\nContent-Type: application/pgp-signature; name="signature.asc"\nContent-Description: OpenPGP digital signature\nContent-Disposition: attachment; filename="signature.asc"\n\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n--sig--\n',
      ),
  },
  {
    name: '019-delivery-status-report',
    raw: () =>
      crlf(
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: alice@example.com\nSubject: Undelivered Mail Returned to Sender\nDate: Mon, 6 Jan 2025 09:31:00 +0000\nMIME-Version: 1.0\n',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="rep"\n\n--rep\nContent-Type: text/plain\n\nYour message could not be delivered.\n--rep\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\n--rep\nContent-Type: text/rfc822-headers\n\nFrom: alice@example.com\nTo: nobody@example.org\nSubject: Hello\n--rep--\n',
      ),
  },
  {
    name: '020-audio-video-inline',
    raw: () =>
      crlf(
        basics('Voice memo and clip'),
        'Content-Type: multipart/mixed; boundary="av"\n\n--av\nContent-Type: text/plain\n\nListen and watch:\n--av\nContent-Type: audio/ogg\nContent-Transfer-Encoding: base64\n\n',
        b64('OggS fake audio'),
        '--av\nContent-Type: video/mp4; name="clip.mp4"\nContent-Transfer-Encoding: base64\n\n',
        b64('fake mp4 video'),
        '--av--\n',
      ),
  },
  {
    name: '021-image-inside-alternative',
    raw: () =>
      crlf(
        basics('Image as an alternative'),
        'Content-Type: multipart/alternative; boundary="x"\n\n--x\nContent-Type: text/plain\n\nPlain version.\n--x\nContent-Type: image/gif\nContent-Transfer-Encoding: base64\n\n',
        b64(GIF),
        '--x--\n',
      ),
  },
  {
    name: '022-related-plain-root',
    raw: () =>
      crlf(
        basics('Related with a plain-text root'),
        'Content-Type: multipart/related; boundary="x"\n\n--x\nContent-Type: text/plain\n\nRoot is plain text.\n--x\nContent-Type: text/plain\n\nSecond text part in a related: not inline.\n--x\nContent-Type: image/gif\nContent-ID: <g@x>\nContent-Transfer-Encoding: base64\n\n',
        b64(GIF),
        '--x--\n',
      ),
  },
  {
    name: '023-headers-only',
    raw: () =>
      crlf(
        'From: alice@example.com\nTo: bob@example.org\nSubject: Headers and nothing else\nDate: Mon, 6 Jan 2025 09:30:00 +0000',
      ),
  },
  {
    name: '024-empty-parts',
    raw: () =>
      crlf(
        basics('Parts without bodies'),
        'Content-Type: multipart/mixed; boundary="e"\n\n--e\nContent-Type: text/plain\n\n--e\nContent-Type: text/html\n--e\n\n--e\nContent-Type: application/octet-stream; name="empty.bin"\nContent-Transfer-Encoding: base64\n\n--e--\n',
      ),
  },
  {
    name: '025-language-location-cid',
    raw: () =>
      crlf(
        basics('Content-Language and Content-Location'),
        'Content-Type: multipart/related; boundary="x"\n\n--x\nContent-Type: text/html; charset=utf-8\nContent-Language: en-GB, fr (French too)\nContent-Location: https://example.com/\n newsletter/2025/01.html\n\n<p>Bilingual <img src="images/pic.gif"></p>\n--x\nContent-Type: image/gif\nContent-Location: "images/pic.gif"\nContent-ID: (the picture) <  pic@example.com  >\nContent-Transfer-Encoding: base64\n\n',
        b64(GIF),
        '--x--\n',
      ),
  },
];
