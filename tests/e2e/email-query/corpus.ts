/**
 * The scripted mailbox of the Email/query e2e tests: messages with known senders, recipients, subjects, dates,
 * keywords, mailboxes, attachments and threads, so that every filter and sort has a known answer.
 */
export interface Scripted {
  from: string;
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  sentAt: string;
  receivedAt: string;
  body: string;
  keywords: string[];
  /** 'inbox' or 'projects' (a mailbox the test creates). */
  mailboxes: Array<'inbox' | 'projects'>;
  replyTo?: string;
  attachment?: string;
  extraHeaders?: string[];
}

/** Names are the message ids' local parts; threads: {q0, q1} (reply), {lunch, lunch2} (reply), the rest alone. */
export const CORPUS: Record<string, Scripted> = {
  q0: {
    from: 'Alice Smith <alice@example.com>',
    to: 'Bob <bob@example.org>',
    subject: 'Quarterly report',
    sentAt: 'Wed, 1 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-01T10:00:00Z',
    body: 'The running totals are in the attached spreadsheet.',
    keywords: ['$seen'],
    mailboxes: ['inbox'],
    attachment: 'budget-2025.pdf',
  },
  q1: {
    from: 'Carol <carol@example.net>',
    to: 'Alice Smith <alice@example.com>',
    cc: 'Dave <dave@example.com>',
    subject: 'Re: Quarterly report',
    sentAt: 'Thu, 2 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-02T10:00:00Z',
    body: 'I run the numbers again tomorrow and send them to you.',
    keywords: ['$seen', '$flagged'],
    mailboxes: ['inbox'],
    replyTo: 'q0',
  },
  lunch: {
    from: 'bob <bob@example.org>',
    to: 'Carol <carol@example.net>',
    bcc: 'Eve <eve@example.com>',
    subject: 'Lunch plans',
    sentAt: 'Fri, 3 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-03T10:00:00Z',
    body: 'Shall we meet at the blue cafe? Bring the quarterly figures & the <draft> agenda.',
    keywords: [],
    mailboxes: ['inbox'],
  },
  green: {
    from: 'zed@example.com',
    to: 'Amy <amy@example.com>',
    subject: '10 green bottles',
    sentAt: 'Sat, 4 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-04T10:00:00Z',
    body: 'An exact phrase: blue moon rising over the hill.',
    keywords: ['$flagged'],
    mailboxes: ['projects'],
  },
  ecole: {
    from: 'Émile <emile@example.fr>',
    to: 'Bob <bob@example.org>',
    subject: 'école fermée',
    sentAt: 'Sun, 5 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-05T10:00:00Z',
    body: 'The moon was blue, and rising slowly.',
    keywords: [],
    mailboxes: ['inbox', 'projects'],
    extraHeaders: ['X-Priority: 1 (Highest)'],
  },
  lives: {
    from: 'Alice Smith <alice@example.com>',
    to: 'Zoe <zoe@example.com>',
    subject: '9 lives',
    sentAt: 'Mon, 6 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-06T10:00:00Z',
    body: `A longer message about cats. ${'Cats have nine lives, they say. '.repeat(60)}`,
    keywords: ['work'],
    mailboxes: ['inbox'],
  },
  lunch2: {
    from: 'Carol <carol@example.net>',
    to: 'bob <bob@example.org>',
    subject: 'Re: Lunch plans',
    sentAt: 'Tue, 7 Jan 2025 09:00:00 +0000',
    receivedAt: '2025-01-07T10:00:00Z',
    body: 'Noon works for me.',
    keywords: ['$seen'],
    mailboxes: ['inbox'],
    replyTo: 'lunch',
  },
};

export function rawMessage(name: string, m: Scripted): string {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    ...(m.bcc ? [`Bcc: ${m.bcc}`] : []),
    `Subject: ${m.subject}`,
    `Date: ${m.sentAt}`,
    `Message-ID: <${name}@query.example>`,
    ...(m.replyTo
      ? [`In-Reply-To: <${m.replyTo}@query.example>`, `References: <${m.replyTo}@query.example>`]
      : []),
    ...(m.extraHeaders ?? []),
    'MIME-Version: 1.0',
  ];
  if (!m.attachment) {
    return [
      ...head,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      m.body,
      '',
    ].join('\r\n');
  }
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body,
    '--b1',
    `Content-Type: application/pdf; name="${m.attachment}"`,
    `Content-Disposition: attachment; filename="${m.attachment}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 not really a pdf').toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}
