/**
 * Injection tokens of the mailbox service (STYLE.md: tokens live in <lib>.tokens.ts).
 *
 * MAILBOX_EMAIL_CASCADE: the email domain's MailboxEmailCascade (removes emails from mailboxes destroyed with
 * onDestroyRemoveEmails). Optional: without it no email can be in a mailbox (nothing imports mail).
 */
export const MAILBOX_EMAIL_CASCADE = Symbol('MAILBOX_EMAIL_CASCADE');
