/** Test helpers: messages written with "\n" get CRLF line endings, as on the wire. */
import { parseMessage } from './parse-message.js';
import type { BodyPart, ParsedMessage } from './types.js';

export function eml(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

export function parse(text: string): ParsedMessage {
  return parseMessage(eml(text));
}

export const ids = (parts: BodyPart[]) => parts.map((p) => p.partId);

/** A multipart body from [headers, body] pairs. */
export function multipart(type: string, boundary: string, parts: [string, string][]): string {
  const body = parts.map(([headers, content]) => `--${boundary}\n${headers}\n\n${content}\n`).join('');
  return `Content-Type: multipart/${type}; boundary="${boundary}"\n\n${body}--${boundary}--\n`;
}
