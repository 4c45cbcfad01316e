/**
 * A small HTML-to-text conversion for previews: drops comments, head, script and style, turns tags into white
 * space and decodes character references. Linear in the input: every search that fails ends the scan.
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  laquo: '\u00ab',
  raquo: '\u00bb',
  bull: '\u2022',
  middot: '\u00b7',
  euro: '\u20ac',
  pound: '\u00a3',
  yen: '\u00a5',
  cent: '\u00a2',
  deg: '\u00b0',
  times: '\u00d7',
  shy: '\u00ad',
  zwnj: '\u200c',
  zwj: '\u200d',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  ccedil: 'ç',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  ntilde: 'ñ',
  aring: 'å',
  oslash: 'ø',
  aelig: 'æ',
  Eacute: 'É',
};

/** Elements whose content is never shown. */
const HIDDEN = ['head', 'script', 'style', 'title', 'template'];

function decodeEntities(text: string): string {
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g,
    (whole, ref: string) => {
      if (ref[0] !== '#') return NAMED[ref] ?? whole;
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
    },
  );
}

/** Index just after the element that opens at `at`, or the end of the text if it is never closed. */
function skipElement(html: string, lower: string, at: number, name: string): number {
  const close = lower.indexOf(`</${name}`, at);
  if (close === -1) return html.length;
  const end = html.indexOf('>', close);
  return end === -1 ? html.length : end + 1;
}

function tagName(lower: string, at: number): string {
  return /^<\/?([a-z][a-z0-9]*)/.exec(lower.slice(at, at + 40))?.[1] ?? '';
}

export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) {
      out += html.slice(pos);
      break;
    }
    out += html.slice(pos, lt);
    if (lower.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      pos = end === -1 ? html.length : end + 3;
      continue;
    }
    const name = tagName(lower, lt);
    const gt = html.indexOf('>', lt);
    if (gt === -1) break;
    const isOpen = lower[lt + 1] !== '/';
    pos = isOpen && HIDDEN.includes(name) ? skipElement(html, lower, gt + 1, name) : gt + 1;
    out += ' ';
  }
  return decodeEntities(out);
}
