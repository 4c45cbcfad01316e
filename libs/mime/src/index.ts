/**
 * @jmap/mime: RFC 5322/MIME messages as RFC 8621 (JMAP Mail) sees them. Pure functions, no I/O.
 *
 * parseMessage builds headers, bodyStructure, textBody/htmlBody/attachments and hasAttachment within bounds
 * (MimeLimits); partContent and decodeBodyText extract a part's content later from the same raw octets;
 * headerAs and emailProperties give the parsed header forms; preview and baseSubject serve listing and threading.
 */
export type {
  BodyPart,
  BodyValue,
  EmailAddress,
  EmailAddressGroup,
  EmailHeader,
  HeaderForm,
  MimeLimits,
  ParsedMessage,
} from './types.js';
export { DEFAULT_LIMITS } from './limits.js';
export { parseMessage } from './parse-message.js';
export { partContent, decodeBodyText } from './body-text.js';
export { headerAs, parseHeaderValue } from './header-forms.js';
export { isHeaderFormAllowed } from './header-form-rules.js';
export { emailProperties, type EmailProperties } from './email-properties.js';
export { preview, PREVIEW_LENGTH } from './preview.js';
export { htmlToText } from './html-text.js';
export { baseSubject } from './base-subject.js';
export { jmapView, type JmapView, type PartView, type ViewOptions } from './jmap-view.js';
export { composeMessage, type ComposeInput, type ComposePart } from './compose.js';
export {
  addressesValue,
  dateValue,
  foldHeader,
  groupedAddressesValue,
  messageIdsValue,
  phraseValue,
  textValue,
  urlsValue,
} from './compose-headers.js';
