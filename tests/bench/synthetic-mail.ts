/**
 * Realistic synthetic messages for benchmarks: 5 to 50 KB each, with the header block of delivered mail
 * (Received, DKIM-Signature, List-*), multipart/alternative text and HTML, some with a base64 attachment, and
 * about a third replying to an earlier message of the same run (so threading finds matches). Deterministic for a
 * seed, so runs are comparable.
 */

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the quarterly report shows steady growth in every region while costs remain under control and the team plans a ' +
  'review of open items before the next release meeting on thursday please send comments we need to decide ' +
  'whether budget forecast customers contract delivery schedule agreed changes would affect our partners ' +
  'shipping invoices payments accounts suppliers quality feedback survey results improved significantly since ' +
  'last year although several projects were delayed because of staffing issues hiring onboarding training ' +
  'sessions are planned for january february march april may june july august september october november ' +
  'december let me know if you have questions thanks regards attached summary slides draft version final ' +
  'approval legal compliance security audit findings recommendations actions owners deadlines priorities ' +
  'marketing campaign launch website traffic conversion revenue margin pricing discount renewal support tickets ' +
  'escalated resolved engineering infrastructure migration database servers network outage incident postmortem'
).split(' ');

/**
 * What mail has between its words besides plain words, about one in twenty tokens: links, addresses, dates,
 * times, amounts, version numbers, hyphenated words and contractions (full-text indexing treats them apart).
 */
const OTHER_TOKENS = [
  'https://intranet.example.org/reports/q3',
  '<https://example.com/unsubscribe?id=42>',
  'ops@example.org',
  'follow-up',
  'up-to-date',
  'e-mail',
  '3.5%',
  '$1,200',
  '2025-01-15',
  '10:30',
  'Q3',
  'v2.1',
  "it's",
  "don't",
  '(draft)',
  'FY2025',
  'co-ordinate',
  'x-ray',
];

function words(rnd: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      rnd() < 0.05
        ? OTHER_TOKENS[Math.floor(rnd() * OTHER_TOKENS.length)]
        : WORDS[Math.floor(rnd() * WORDS.length)],
    );
  return out.join(' ');
}

function paragraphs(rnd: () => number, bytes: number): string[] {
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    const p = words(rnd, 40 + Math.floor(rnd() * 60));
    out.push(p);
    size += p.length + 2;
  }
  return out;
}

/** Lines of at most `width` characters; `indent` folds a header field (continuation lines start with a space). */
function wrap(text: string, width = 76, indent = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join(`\r\n${indent}`);
}

export interface SyntheticMessage {
  raw: Buffer;
  messageId: string;
}

/** The index-th message of a run; `earlier` are the message ids it may reply to. */
export function syntheticMessage(seed: number, index: number, earlier: readonly string[]): SyntheticMessage {
  const rnd = random(seed * 1_000_003 + index);
  const target = 6_000 + Math.floor(rnd() * 43_500);
  const messageId = `bench-${seed}-${index}@bench.example.org`;
  const parent = earlier.length > 0 && rnd() < 0.35 ? earlier[Math.floor(rnd() * earlier.length)] : null;
  const topic = parent ? `Topic ${parent.split('-')[2]}` : `Topic ${index}`;
  const withAttachment = rnd() < 0.25;
  const date = new Date(Date.UTC(2025, 0, 1) + index * 60_000).toUTCString().replace('GMT', '+0000');
  const headers = [
    `Received: from mx${index % 7}.example.net (mx.example.net [192.0.2.${index % 250}]) by mail.example.org with ESMTPS id ${index}; ${date}`,
    `Received: from client.example.net by mx.example.net with ESMTPSA; ${date}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=sel; h=from:to:subject:date:message-id; bh=${wrap(Buffer.from(words(rnd, 8)).toString('base64'), 70, ' ')};\r\n b=${wrap(Buffer.from(words(rnd, 40)).toString('base64'), 70, ' ')}`,
    `From: Sender ${index % 50} <sender${index % 50}@example.net>`,
    `To: Team <team@example.org>`,
    `Cc: Someone Else <someone${index % 13}@example.com>`,
    `Subject: ${parent ? 'Re: ' : ''}${topic}`,
    `Date: ${date}`,
    `Message-ID: <${messageId}>`,
    ...(parent ? [`In-Reply-To: <${parent}>`, `References: <${parent}>`] : []),
    'List-Id: Team list <team.example.org>',
    'List-Unsubscribe: <mailto:leave@example.org>',
    'MIME-Version: 1.0',
  ];
  const budget = target - headers.join('\r\n').length - 600;
  const attachmentBytes = withAttachment ? Math.floor(budget * 0.5) : 0;
  const text = paragraphs(rnd, Math.max(500, (budget - (attachmentBytes * 4) / 3) / 2.2)).join('\r\n\r\n');
  const html = `<html><body>${text
    .split('\r\n\r\n')
    .map((p) => `<p>${p}</p>`)
    .join('\r\n')}</body></html>`;
  const alternative = [
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '--alt--',
  ].join('\r\n');
  let body: string[];
  if (withAttachment) {
    const data = Buffer.from(paragraphs(rnd, attachmentBytes).join('\n')).toString('base64');
    body = [
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      alternative,
      '--mix',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment; filename="report.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      wrap(data),
      '--mix--',
      '',
    ];
  } else {
    body = ['Content-Type: multipart/alternative; boundary="alt"', '', alternative, ''];
  }
  return { raw: Buffer.from([...headers, ...body].join('\r\n')), messageId };
}
