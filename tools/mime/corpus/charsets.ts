/** Corpus: body and header charsets (RFC 8621 4.1.4 bodyValues decoding and isEncodingProblem). */
import { b64, basics, crlf, enc, ew, jis, qp, type Fixture, type Piece } from './helpers.js';

/** A multipart/mixed of inline text parts, one per [charset, text], each 8bit in that charset. */
function charsetParts(subject: string, parts: [string, string][]): Buffer {
  const pieces: Piece[] = [basics(subject), 'Content-Type: multipart/mixed; boundary="cs"\n\n'];
  for (const [charset, text] of parts) {
    pieces.push(
      `--cs\nContent-Type: text/plain; charset=${charset}\nContent-Transfer-Encoding: 8bit\n\n`,
      enc(text, charset),
      '\n',
    );
  }
  pieces.push('--cs--\n');
  return crlf(...pieces);
}

export const charsets: Fixture[] = [
  {
    name: '043-windows-1250-1252',
    raw: () =>
      charsetParts(ew('Żółć – czeština', 'windows-1250', 'Q'), [
        ['windows-1250', 'Zażółć gęślą jaźń. Příliš žluťoučký kůň.'],
        ['windows-1251', 'Съешь же ещё этих мягких французских булок.'],
        ['windows-1252', '“Smart quotes” – and the € sign, naïve café.'],
      ]),
  },
  {
    name: '044-windows-1253-1255',
    raw: () =>
      charsetParts(ew('Ελληνικά', 'windows-1253', 'B'), [
        ['windows-1253', 'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.'],
        ['windows-1254', 'Pijamalı hasta yağız şoföre çabucak güvendi.'],
        ['windows-1255', 'דג סקרן שט בים מאוכזב'],
      ]),
  },
  {
    name: '045-windows-1256-1258',
    raw: () =>
      charsetParts(ew('العربية', 'windows-1256', 'B'), [
        ['windows-1256', 'نص حكيم له سر قاطع'],
        ['windows-1257', 'Įlinkdama fechtuotojo špaga sublykčiojusi.'],
        ['windows-1258', 'Tôi có thê\u0309 ăn thu\u0309y tinh'],
      ]),
  },
  {
    name: '046-iso-8859-1-to-6',
    raw: () =>
      charsetParts('ISO-8859 parts 1 to 6', [
        ['iso-8859-1', 'Voix ambiguë d’un cœur'.replace('’', "'").replace('œ', 'oe') + ' à Noël.'],
        ['iso-8859-2', 'Příliš žluťoučký kůň úpěl ďábelské ódy.'],
        ['iso-8859-3', 'Ĉu ĝi estas ŝerco? Ħaġa Maltija.'],
        ['iso-8859-4', 'Ģimene ēd ķiršus; Ŗ ŧ ŋ.'],
        ['iso-8859-5', 'Широкая электрификация южных губерний.'],
        ['iso-8859-6', 'صِف خَلقَ خَودِ'],
      ]),
  },
  {
    name: '047-iso-8859-7-to-11',
    raw: () =>
      charsetParts('ISO-8859 parts 7 to 11', [
        ['iso-8859-7', 'Γαζέες καὶ μυρτιὲς'.replace('ὶ', 'ι').replace('ὲ', 'ε')],
        ['iso-8859-8', 'עטלף אבק נס דרך מזגן'],
        ['iso-8859-9', 'Şişli’de ığdır'.replace('’', "'")],
        ['iso-8859-10', 'Þú ert ŋ ŧ ū ą'],
        ['iso-8859-11', 'เป็นมนุษย์สุดประเสริฐเลิศคุณค่า'],
      ]),
  },
  {
    name: '048-iso-8859-13-to-16',
    raw: () =>
      charsetParts('ISO-8859 parts 13 to 16', [
        ['iso-8859-13', 'Įžūlūs ąžuolai “ir” ęšėčiai'],
        ['iso-8859-14', 'Ŵ ŷ ẁ ẃ Ḃ ḟ Cymraeg'],
        ['iso-8859-15', 'Le prix est 10 € — œuvre Š Ž'.replace('—', '-')],
        ['iso-8859-16', 'Înșir ț și ș, Ă Ș Ț'],
      ]),
  },
  {
    name: '049-iso-2022-jp',
    raw: () =>
      crlf(
        `From: ${ew('山田太郎', 'iso-2022-jp', 'B')} <yamada@example.jp>\nTo: bob@example.org\n`,
        `Subject: ${ew('会議のお知らせ', 'iso-2022-jp', 'B')}\nDate: Mon, 6 Jan 2025 09:30:00 +0900\nMIME-Version: 1.0\n`,
        'Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n',
        jis('お世話になっております。\n明日の会議は10時からです。\n'),
      ),
  },
  {
    name: '050-shift-jis-euc-jp',
    raw: () =>
      charsetParts(ew('日本語の件名', 'shift_jis', 'B'), [
        ['shift_jis', 'シフトJISの本文です。ソ表'],
        ['euc-jp', 'EUC-JPの本文です。'],
      ]),
  },
  {
    name: '051-gb2312-gbk-gb18030',
    raw: () =>
      charsetParts(ew('中文邮件', 'gb2312', 'B'), [
        ['gb2312', '我能吞下玻璃而不伤身体。'],
        ['gbk', '繁體字也可以：體驗'],
        ['gb18030', '表情 😀 与 ㈠'],
      ]),
  },
  {
    name: '052-big5',
    raw: () => charsetParts(ew('繁體中文', 'big5', 'B'), [['big5', '我能吞下玻璃而不傷身體。']]),
  },
  {
    name: '053-koi8-r-koi8-u',
    raw: () =>
      charsetParts(ew('Привет', 'koi8-r', 'Q'), [
        ['koi8-r', 'В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!'],
        ['koi8-u', 'Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!'],
      ]),
  },
  {
    name: '054-euc-kr',
    raw: () =>
      charsetParts(ew('한국어 제목', 'euc-kr', 'B'), [['euc-kr', '키스의 고유조건은 입술끼리 만나야 하고']]),
  },
  {
    name: '055-utf-16',
    raw: () =>
      crlf(
        basics('UTF-16 parts'),
        'Content-Type: multipart/mixed; boundary="u"\n\n--u\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n',
        b64(
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from('Little-endian with a BOM: Grüße 😀', 'utf16le'),
          ]),
        ),
        '--u\nContent-Type: text/plain; charset=UTF-16\nContent-Transfer-Encoding: base64\n\n',
        b64(Buffer.from('No BOM means big-endian: Ω', 'utf16le').swap16()),
        '--u\nContent-Type: text/plain; charset=utf-16le\nContent-Transfer-Encoding: base64\n\n',
        b64(
          Buffer.concat([
            Buffer.from('Lone surrogate: ', 'utf16le'),
            Buffer.from([0x3d, 0xd8]),
            Buffer.from(' end', 'utf16le'),
          ]),
        ),
        '--u--\n',
      ),
  },
  {
    name: '056-unknown-charset',
    raw: () =>
      crlf(
        basics('Unknown charset'),
        "Content-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: 8bit\n\nqapla' ",
        Buffer.from([0xe9]),
        ' batlh\n',
      ),
  },
  {
    name: '057-undeclared-8bit-utf8',
    raw: () =>
      crlf(
        'From: alice@example.com\nSubject: No charset, UTF-8 octets\nDate: Mon, 6 Jan 2025 09:30:00 +0000\n\nNaïve café — déjà vu ✓\n',
      ),
  },
  {
    name: '058-undeclared-8bit-latin1',
    raw: () =>
      crlf(
        'From: alice@example.com\nSubject: No charset, Latin-1 octets\nDate: Mon, 6 Jan 2025 09:30:00 +0000\nContent-Type: text/plain\n\n',
        enc('Naïve café à Noël, 5 €\n', 'windows-1252'),
      ),
  },
  {
    name: '059-malformed-utf8',
    raw: () =>
      crlf(
        basics('Malformed UTF-8'),
        'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n',
        qp(
          Buffer.concat([
            Buffer.from('Valid é, then bad: '),
            Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82]),
            Buffer.from(' end.\n'),
          ]),
        ),
      ),
  },
];
