/**
 * RFC 8621 4.1.4: textBody, htmlBody and attachments from bodyStructure, following the RFC's suggested
 * parseStructure() pseudo-code step for step (including its quirks: a text part that nulls a list does so for
 * the rest of its multipart only, and inline media in an alternative go to attachments).
 */
import type { BodyPart } from './types.js';

export interface BodyLists {
  textBody: BodyPart[];
  htmlBody: BodyPart[];
  attachments: BodyPart[];
}

function isInlineMediaType(type: string): boolean {
  return type.startsWith('image/') || type.startsWith('audio/') || type.startsWith('video/');
}

function isInlinePart(part: BodyPart, index: number, multipartType: string): boolean {
  return (
    part.disposition !== 'attachment' &&
    // Must be one of the allowed body types
    (part.type === 'text/plain' || part.type === 'text/html' || isInlineMediaType(part.type)) &&
    // If multipart/related, only the first part can be inline. If a text part with a filename, and not the
    // first item in the multipart, assume it is an attachment.
    (index === 0 || (multipartType !== 'related' && (isInlineMediaType(part.type) || !part.name)))
  );
}

function parseStructure(
  parts: BodyPart[],
  multipartType: string,
  inAlternative: boolean,
  htmlBodyIn: BodyPart[] | null,
  textBodyIn: BodyPart[] | null,
  attachments: BodyPart[],
): void {
  let htmlBody = htmlBodyIn;
  let textBody = textBodyIn;
  // For multipartType == alternative
  const textLength = textBody ? textBody.length : -1;
  const htmlLength = htmlBody ? htmlBody.length : -1;

  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    const isMultipart = part.type.startsWith('multipart/');
    const isInline = isInlinePart(part, i, multipartType);

    if (isMultipart) {
      const subMultiType = part.type.split('/')[1];
      parseStructure(
        part.subParts ?? [],
        subMultiType,
        inAlternative || subMultiType === 'alternative',
        htmlBody,
        textBody,
        attachments,
      );
    } else if (isInline) {
      if (multipartType === 'alternative') {
        if (part.type === 'text/plain') textBody?.push(part);
        else if (part.type === 'text/html') htmlBody?.push(part);
        else attachments.push(part);
        continue;
      } else if (inAlternative) {
        if (part.type === 'text/plain') htmlBody = null;
        if (part.type === 'text/html') textBody = null;
      }
      if (textBody) textBody.push(part);
      if (htmlBody) htmlBody.push(part);
      if ((!textBody || !htmlBody) && isInlineMediaType(part.type)) attachments.push(part);
    } else {
      attachments.push(part);
    }
  }

  if (multipartType === 'alternative' && textBody && htmlBody) {
    // Found HTML part only
    if (textLength === textBody.length && htmlLength !== htmlBody.length) {
      for (let i = htmlLength; i < htmlBody.length; i += 1) textBody.push(htmlBody[i]);
    }
    // Found plaintext part only
    if (htmlLength === htmlBody.length && textLength !== textBody.length) {
      for (let i = textLength; i < textBody.length; i += 1) htmlBody.push(textBody[i]);
    }
  }
}

export function bodyLists(bodyStructure: BodyPart): BodyLists {
  const lists: BodyLists = { textBody: [], htmlBody: [], attachments: [] };
  parseStructure([bodyStructure], 'mixed', false, lists.htmlBody, lists.textBody, lists.attachments);
  return lists;
}
