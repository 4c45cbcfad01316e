/** The submission service's settings from the environment (env.catalog.ts, group "submission"). */
import { hostname } from 'node:os';
import { loadConfig } from '@jmap/platform';
import type { RelayConfig, StartTlsMode } from './smtp-relay.js';
import type { SenderConfig } from './submission-sender.js';

export interface SubmissionConfig {
  relay: RelayConfig | null;
  sender: Omit<SenderConfig, 'replica'>;
  maxSize: number;
  vacationPeriodMs: number;
}

export function submissionConfigFromEnv(): SubmissionConfig {
  const c = loadConfig([
    'SMTP_RELAY_URL',
    'SMTP_RELAY_STARTTLS',
    'SMTP_RELAY_TLS_VERIFY',
    'SMTP_RELAY_TIMEOUT_MS',
    'SMTP_HELO_NAME',
    'SUBMISSION_MAX_SIZE',
    'SUBMISSION_POLL_MS',
    'SUBMISSION_RETRY_BASE_MS',
    'SUBMISSION_RETRY_MAX_MS',
    'SUBMISSION_MAX_ATTEMPTS',
    'SUBMISSION_SEND_CONCURRENCY',
    'VACATION_PERIOD_DAYS',
  ]);
  return {
    relay: c.SMTP_RELAY_URL
      ? {
          url: c.SMTP_RELAY_URL,
          startTls: c.SMTP_RELAY_STARTTLS as StartTlsMode,
          heloName: c.SMTP_HELO_NAME ?? hostname(),
          timeoutMs: c.SMTP_RELAY_TIMEOUT_MS,
          rejectUnauthorized: c.SMTP_RELAY_TLS_VERIFY,
        }
      : null,
    sender: {
      pollMs: c.SUBMISSION_POLL_MS,
      retryBaseMs: c.SUBMISSION_RETRY_BASE_MS,
      retryMaxMs: c.SUBMISSION_RETRY_MAX_MS,
      maxAttempts: c.SUBMISSION_MAX_ATTEMPTS,
      concurrency: c.SUBMISSION_SEND_CONCURRENCY,
    },
    maxSize: c.SUBMISSION_MAX_SIZE,
    vacationPeriodMs: c.VACATION_PERIOD_DAYS * 86_400_000,
  };
}
