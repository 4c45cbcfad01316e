/**
 * A JSON view of a parsed message with the Email properties that derive from the message itself (RFC 8621
 * 4.1.2 to 4.1.4): what Email/get returns apart from ids, blob ids, mailboxes and keywords. The corpus tests
 * compare it with reviewed fixtures; Email/parse can return it.
 */
import { decodeBodyText } from './body-text.js';
import { emailProperties, type EmailProperties } from './email-properties.js';
import { parseMessage } from './parse-message.js';
import { preview } from './preview.js';
import type { BodyPart, BodyValue, EmailHeader, MimeLimits } from './types.js';

export interface PartView {
  partId: string | null;
  type: string;
  charset: string | null;
  name: string | null;
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  size: number;
  subParts?: PartView[];
}

export interface JmapView extends EmailProperties {
  size: number;
  headers: EmailHeader[];
  bodyStructure: PartView;
  textBody: string[];
  htmlBody: string[];
  attachments: string[];
  hasAttachment: boolean;
  preview: string;
  bodyValues: Record<string, BodyValue>;
  problems: string[];
}

export interface ViewOptions {
  /** RFC 8621 4.2 maxBodyValueBytes; 0 means no truncation. */
  maxBodyValueBytes?: number;
  limits?: Partial<MimeLimits>;
}

function partView(p: BodyPart): PartView {
  const { partId, type, charset, name, disposition, cid, language, location, size } = p;
  const view: PartView = { partId, type, charset, name, disposition, cid, language, location, size };
  if (p.subParts) view.subParts = p.subParts.map(partView);
  return view;
}

/** bodyValues as with fetchTextBodyValues and fetchHTMLBodyValues: the text/* parts of textBody and htmlBody. */
export function jmapView(raw: Buffer, options: ViewOptions = {}): JmapView {
  const parsed = parseMessage(raw, options.limits);
  const bodyValues: Record<string, BodyValue> = {};
  for (const part of [...parsed.textBody, ...parsed.htmlBody]) {
    if (part.partId && part.type.startsWith('text/') && !(part.partId in bodyValues)) {
      bodyValues[part.partId] = decodeBodyText(raw, part, options.maxBodyValueBytes ?? 0);
    }
  }
  const ids = (parts: BodyPart[]) => parts.map((p) => p.partId ?? '');
  return {
    size: parsed.size,
    headers: parsed.headers,
    ...emailProperties(parsed),
    bodyStructure: partView(parsed.bodyStructure),
    textBody: ids(parsed.textBody),
    htmlBody: ids(parsed.htmlBody),
    attachments: ids(parsed.attachments),
    hasAttachment: parsed.hasAttachment,
    preview: preview(raw, parsed),
    bodyValues,
    problems: parsed.problems,
  };
}
