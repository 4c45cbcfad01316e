/** parseMessage: the RFC 8621 4.1 view of a raw RFC 5322 message. Pure; never throws on any input. */
import { bodyLists } from './body-lists.js';
import { partContent } from './body-text.js';
import { resolveLimits } from './limits.js';
import { buildPart, type TreeContext } from './mime-tree.js';
import type { BodyPart, MimeLimits, ParsedMessage } from './types.js';

/** Octets of each HTML part searched for "cid:" references (hasAttachment heuristics). */
const MAX_HTML_SCAN = 1024 * 1024;

/** Values of src, href and background attributes in the HTML bodies: what they embed or link. */
function htmlReferences(raw: Buffer, htmlBody: BodyPart[]): Set<string> {
  const refs = new Set<string>();
  for (const part of htmlBody) {
    if (part.type !== 'text/html') continue;
    const html = partContent(raw, part).subarray(0, MAX_HTML_SCAN).toString('latin1');
    for (const m of html.matchAll(/\b(?:src|href|background)\s*=\s*["']?([^"'\s>]+)/gi))
      refs.add(m[1].toLowerCase());
  }
  return refs;
}

/** True if an HTML body embeds the part by "cid:" URL or by its Content-Location (RFC 2392, RFC 2557). */
function isEmbedded(part: BodyPart, refs: Set<string>): boolean {
  if (part.cid && refs.has(`cid:${part.cid.toLowerCase()}`)) return true;
  return part.location !== null && refs.has(part.location.toLowerCase());
}

/**
 * RFC 8621 4.1.4 hasAttachment: an attachment that is not "Content-Disposition: inline" counts, except a part
 * that one of the HTML bodies embeds (which the RFC says the server MAY ignore).
 */
function hasAttachment(raw: Buffer, attachments: BodyPart[], htmlBody: BodyPart[]): boolean {
  const candidates = attachments.filter((p) => p.disposition !== 'inline');
  if (!candidates.some((p) => p.cid || p.location)) return candidates.length > 0;
  const refs = htmlReferences(raw, htmlBody);
  return candidates.some((p) => !isEmbedded(p, refs));
}

/** The whole message as one text part: the last resort if the parser itself fails. */
function fallback(raw: Buffer, error: unknown): ParsedMessage {
  const part: BodyPart = {
    partId: '1',
    headers: [],
    name: null,
    type: 'text/plain',
    charset: 'us-ascii',
    disposition: null,
    cid: null,
    language: null,
    location: null,
    size: raw.length,
    bodyOffset: 0,
    bodyLength: raw.length,
    encoding: null,
  };
  const problems = [`parser failure, message kept as one text part: ${String(error)}`];
  return {
    size: raw.length,
    headers: [],
    bodyStructure: part,
    textBody: [part],
    htmlBody: [part],
    attachments: [],
    hasAttachment: false,
    problems,
  };
}

export function parseMessage(raw: Buffer, limits?: Partial<MimeLimits>): ParsedMessage {
  try {
    const ctx: TreeContext = { raw, limits: resolveLimits(limits), problems: [], partCount: 0 };
    // A UTF-8 byte order mark, which some tools write at the top of saved .eml files, is not part of the header.
    const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
    if (bom) ctx.problems.push('message: leading UTF-8 byte order mark skipped');
    const bodyStructure = buildPart(ctx, [bom, raw.length], '', 0, 'text/plain');
    const lists = bodyLists(bodyStructure);
    return {
      size: raw.length,
      headers: bodyStructure.headers,
      bodyStructure,
      ...lists,
      hasAttachment: hasAttachment(raw, lists.attachments, lists.htmlBody),
      problems: ctx.problems,
    };
  } catch (error) {
    return fallback(raw, error);
  }
}
