/** RFC 8621 4.1.4 preview: a plaintext fragment of the body, at most 256 characters. */
import { decodeCharset } from './charset.js';
import { partContent } from './body-text.js';
import { htmlToText } from './html-text.js';
import type { BodyPart, ParsedMessage } from './types.js';

export const PREVIEW_LENGTH = 256;
/**
 * Octets of one part's content that are decoded for the preview. Bounds the work on huge bodies; 64 KiB of HTML
 * nearly always holds 256 characters of text.
 */
const MAX_INPUT_BYTES = 64 * 1024;

function partText(raw: Buffer, part: BodyPart): string {
  const content = partContent(raw, part).subarray(0, MAX_INPUT_BYTES);
  const text = decodeCharset(content, part.charset).text;
  return part.type === 'text/html' ? htmlToText(text) : text;
}

/** Cuts to at most `max` UTF-16 code units without splitting a surrogate pair (so also at most `max` characters). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end).trimEnd();
}

const SPACE_LIKE = /[\p{Cc}\p{Zs}\u2028\u2029\uFEFF\uFFFD]+/gu;
/** Characters of a part's text collapsed at first; a larger prefix only when that leaves too few. */
const FIRST_WINDOW = 2048;
/** Collapsed characters kept beyond those needed, so that the cut and NFC never depend on what was left out. */
const MARGIN = 64;

/**
 * The part's text with white space collapsed, or a prefix of it longer than `needed` + MARGIN characters: the
 * preview takes 256 characters, so a 20 KiB body is not collapsed whole (the import computes every preview).
 */
function collapsed(text: string, needed: number): string {
  for (let window = FIRST_WINDOW; ; window *= 4) {
    if (text.length <= window) return text.replace(SPACE_LIKE, ' ').trim();
    const piece = text.slice(0, window).replace(SPACE_LIKE, ' ').trimStart();
    if (piece.length > needed + MARGIN) return piece;
  }
}

/**
 * Text of the textBody parts (text/plain, or text/html converted to text where the message has no plain
 * alternative), white space collapsed, control characters and replacement characters dropped.
 */
export function preview(raw: Buffer, parsed: Pick<ParsedMessage, 'textBody'>): string {
  let text = '';
  for (const part of parsed.textBody) {
    if (part.type !== 'text/plain' && part.type !== 'text/html') continue;
    const piece = collapsed(partText(raw, part), PREVIEW_LENGTH - text.length);
    if (piece) text = text ? `${text} ${piece}` : piece;
    if (text.length > PREVIEW_LENGTH) break;
  }
  return cut(text.normalize('NFC'), PREVIEW_LENGTH);
}
