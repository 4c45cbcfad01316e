/** RFC 8621 4.1.3 convenience properties, each identical to a header:{name}:as{form} lookup. */
import { headerAs } from './header-forms.js';
import type { EmailAddress, EmailHeader } from './types.js';

export interface EmailProperties {
  messageId: string[] | null;
  inReplyTo: string[] | null;
  references: string[] | null;
  sender: EmailAddress[] | null;
  from: EmailAddress[] | null;
  to: EmailAddress[] | null;
  cc: EmailAddress[] | null;
  bcc: EmailAddress[] | null;
  replyTo: EmailAddress[] | null;
  subject: string | null;
  sentAt: string | null;
}

export function emailProperties(parsed: { headers: EmailHeader[] }): EmailProperties {
  const h = parsed.headers;
  const ids = (name: string) => headerAs(h, name, 'MessageIds', false) as string[] | null;
  const addresses = (name: string) => headerAs(h, name, 'Addresses', false) as EmailAddress[] | null;
  return {
    messageId: ids('Message-ID'),
    inReplyTo: ids('In-Reply-To'),
    references: ids('References'),
    sender: addresses('Sender'),
    from: addresses('From'),
    to: addresses('To'),
    cc: addresses('Cc'),
    bcc: addresses('Bcc'),
    replyTo: addresses('Reply-To'),
    subject: headerAs(h, 'Subject', 'Text', false) as string | null,
    sentAt: headerAs(h, 'Date', 'Date', false) as string | null,
  };
}
