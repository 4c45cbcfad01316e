/**
 * The one list of environment variables the project reads. Each entry is documented here; the README table is
 * generated from it (`npm run docs:config`) and a unit test fails when the two differ.
 * Defaults are safe for one machine; production sets the endpoints and credentials.
 */
export type EnvType = 'string' | 'int' | 'bool' | 'list' | 'url' | 'enum';

export interface EnvSpec {
  readonly type: EnvType;
  readonly default?: string | number | boolean | readonly string[];
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  readonly group: string;
  readonly description: string;
}

const spec = <T extends Record<string, EnvSpec>>(t: T): T => t;

export const ENV = spec({
  // --- process and network ---
  LOG_LEVEL: {
    type: 'enum',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    default: 'info',
    group: 'process',
    description: 'Minimum level of the JSON log lines written to stdout.',
  },
  HOST: {
    type: 'string',
    default: '127.0.0.1',
    group: 'process',
    description: 'Address the JMAP HTTP server binds (gateway, standalone). Use 0.0.0.0 in containers.',
  },
  PORT: {
    type: 'int',
    default: 8080,
    min: 0,
    max: 65535,
    group: 'process',
    description: 'Port of the JMAP HTTP server (gateway, standalone).',
  },
  PUBLIC_URL: {
    type: 'url',
    group: 'process',
    description:
      'Absolute base URL clients reach the gateway at (for the Session URLs). Unset: derived from the request Host header.',
  },
  OPS_HOST: {
    type: 'string',
    group: 'process',
    description: 'Address of the ops server (/healthz, /readyz, /metrics). Defaults to HOST.',
  },
  OPS_PORT: {
    type: 'int',
    default: 9100,
    min: 0,
    max: 65535,
    group: 'process',
    description: 'Port of the ops server (/healthz, /readyz, /metrics). 0 picks a free port.',
  },
  TRUST_PROXY: {
    type: 'bool',
    default: false,
    group: 'process',
    description: 'Trust X-Forwarded-* headers (client address for rate limits, scheme and host for URLs) from a reverse proxy.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    type: 'int',
    default: 10000,
    min: 100,
    group: 'process',
    description: 'How long graceful shutdown waits for in-flight work after SIGTERM before exiting.',
  },
  INSTANCE_ID: {
    type: 'string',
    group: 'process',
    description: 'Name of this replica in logs and reply topics. Unset: hostname and pid.',
  },

  // --- PostgreSQL ---
  DATABASE_URL: {
    type: 'url',
    group: 'postgres',
    description:
      'PostgreSQL connection URL (postgres://user:pass@host:port/db). Required by the services; the standalone server embeds PostgreSQL when unset.',
  },
  DATABASE_POOL_SIZE: {
    type: 'int',
    default: 10,
    min: 1,
    max: 500,
    group: 'postgres',
    description: 'Maximum connections in each process pool.',
  },
  MIGRATIONS_DIR: {
    type: 'string',
    group: 'postgres',
    description: 'Directory of the SQL migrations. Defaults to migrations/ of the source tree (set in the container images).',
  },
  MIGRATE_ON_START: {
    type: 'bool',
    default: false,
    group: 'postgres',
    description: 'Apply pending database migrations when a service starts (the Helm chart runs a Job instead).',
  },

  // --- Kafka ---
  KAFKA_BROKERS: {
    type: 'list',
    group: 'kafka',
    description:
      'Comma-separated Kafka bootstrap servers (host:port). Required by the services; the standalone server uses an in-process bus when unset.',
  },
  KAFKA_TOPIC_PREFIX: {
    type: 'string',
    default: 'jmap.',
    group: 'kafka',
    description: 'Prefix of every topic name (commands, events, replies, dead letters).',
  },
  KAFKA_PARTITIONS: {
    type: 'int',
    default: 48,
    min: 1,
    max: 10000,
    group: 'kafka',
    description: 'Partitions of the command and event topics when this process creates them; bounds the useful replica count.',
  },
  KAFKA_REPLICATION_FACTOR: {
    type: 'int',
    default: 1,
    min: 1,
    max: 10,
    group: 'kafka',
    description: 'Replication factor of topics this process creates.',
  },
  KAFKA_SESSION_TIMEOUT_MS: {
    type: 'int',
    default: 10000,
    min: 2000,
    max: 300000,
    group: 'kafka',
    description: 'Consumer group session timeout: how soon the partitions of a replica that died move to the others.',
  },
  COMMAND_TIMEOUT_MS: {
    type: 'int',
    default: 4000,
    min: 50,
    group: 'kafka',
    description: 'How long the gateway waits for a command reply before resending it with the same command id.',
  },
  COMMAND_ATTEMPTS: {
    type: 'int',
    default: 3,
    min: 1,
    max: 20,
    group: 'kafka',
    description: 'Sends of one command (first plus retries) before the gateway answers serverUnavailable.',
  },
  COMMAND_CONCURRENCY: {
    type: 'int',
    default: 8,
    min: 1,
    max: 1000,
    group: 'kafka',
    description: 'Partitions a service replica handles at once.',
  },
  COMMAND_MAX_HANDLER_ATTEMPTS: {
    type: 'int',
    default: 5,
    min: 1,
    max: 100,
    group: 'kafka',
    description: 'Attempts at a command that keeps failing with a transient error before it goes to the dead-letter topic.',
  },

  // --- S3 / blobs ---
  S3_ENDPOINT: {
    type: 'url',
    group: 's3',
    description:
      'S3 API endpoint (MinIO or any S3), e.g. http://127.0.0.1:9000. Unset in the standalone server: blobs are files under DATA_DIR.',
  },
  S3_REGION: { type: 'string', default: 'us-east-1', group: 's3', description: 'S3 region.' },
  S3_BUCKET: { type: 'string', default: 'jmap-blobs', group: 's3', description: 'Bucket holding every blob.' },
  S3_ACCESS_KEY: { type: 'string', default: 'minioadmin', group: 's3', description: 'S3 access key id.' },
  S3_SECRET_KEY: { type: 'string', default: 'minioadmin', group: 's3', description: 'S3 secret key.' },
  BLOB_DIR: {
    type: 'string',
    group: 's3',
    description: 'Directory of the filesystem blob store, used when S3_ENDPOINT is unset. Defaults to DATA_DIR/blobs.',
  },
  UPLOAD_EXPIRY_SECONDS: {
    type: 'int',
    default: 86400,
    min: 3600,
    group: 's3',
    description: 'Age after which an upload that nothing references is collected (RFC 8620 section 6.1: at least one hour).',
  },
  BLOB_COLLECT_INTERVAL_SECONDS: {
    type: 'int',
    default: 600,
    min: 0,
    group: 's3',
    description:
      'How often each gateway deletes expired uploads and the stored objects nothing names any more; 0 disables it (then run `npm run admin -- blobs collect`).',
  },

  // --- JMAP limits (RFC 8620 section 2, advertised in the Session and enforced) ---
  MAX_SIZE_UPLOAD: {
    type: 'int',
    default: 50_000_000,
    min: 1,
    group: 'jmap',
    description: 'maxSizeUpload: largest upload in octets.',
  },
  MAX_CONCURRENT_UPLOAD: {
    type: 'int',
    default: 4,
    min: 1,
    group: 'jmap',
    description: 'maxConcurrentUpload: uploads one account may run at once (counted by each gateway replica).',
  },
  MAX_SIZE_REQUEST: {
    type: 'int',
    default: 10_000_000,
    min: 1000,
    group: 'jmap',
    description: 'maxSizeRequest: largest API request body in octets.',
  },
  MAX_CONCURRENT_REQUESTS: {
    type: 'int',
    default: 8,
    min: 1,
    group: 'jmap',
    description: 'maxConcurrentRequests: API requests one user (principal) may run at once (counted by each gateway replica).',
  },
  MAX_CALLS_IN_REQUEST: {
    type: 'int',
    default: 64,
    min: 1,
    group: 'jmap',
    description: 'maxCallsInRequest: method calls in one request.',
  },
  MAX_OBJECTS_IN_GET: {
    type: 'int',
    default: 10000,
    min: 1,
    group: 'jmap',
    description: 'maxObjectsInGet: ids in one /get (sized for the initial sync of a 10,000-message mailbox).',
  },
  MAX_OBJECTS_IN_SET: {
    type: 'int',
    default: 1000,
    min: 1,
    group: 'jmap',
    description: 'maxObjectsInSet: create + update + destroy entries in one /set.',
  },
  MAX_MAILBOX_DEPTH: {
    type: 'int',
    default: 20,
    min: 1,
    group: 'jmap',
    description: 'maxMailboxDepth (RFC 8621 section 1.3.1): deepest Mailbox nesting; 1 allows top-level mailboxes only.',
  },
  MAX_SIZE_MAILBOX_NAME: {
    type: 'int',
    default: 255,
    min: 100,
    group: 'jmap',
    description: 'maxSizeMailboxName: longest Mailbox name in UTF-8 octets (the RFC requires at least 100).',
  },
  MAX_MAILBOXES_PER_EMAIL: {
    type: 'int',
    default: 100,
    min: 1,
    group: 'jmap',
    description: 'maxMailboxesPerEmail: Mailboxes one Email may be in.',
  },
  MAX_SIZE_ATTACHMENTS_PER_EMAIL: {
    type: 'int',
    default: 50_000_000,
    min: 1,
    group: 'jmap',
    description: 'maxSizeAttachmentsPerEmail: total octets of the attachments of an Email created with Email/set.',
  },
  MAX_KEYWORDS_PER_EMAIL: {
    type: 'int',
    default: 256,
    min: 1,
    group: 'jmap',
    description: 'Keywords one Email may have; Email/set refuses more with tooManyKeywords (RFC 8621 4.6).',
  },
  READ_WAIT_TIMEOUT_MS: {
    type: 'int',
    default: 3000,
    min: 10,
    group: 'jmap',
    description:
      'Longest a read waits for a background projection to reach a committed write (read-your-writes); past it the call fails with serverUnavailable.',
  },

  // --- authentication ---
  AUTH_FAILURES_PER_WINDOW: {
    type: 'int',
    default: 10,
    min: 1,
    group: 'auth',
    description: 'Failed logins allowed per principal and per client address within AUTH_FAILURE_WINDOW_SECONDS before 429.',
  },
  AUTH_FAILURE_WINDOW_SECONDS: {
    type: 'int',
    default: 300,
    min: 1,
    group: 'auth',
    description: 'Window of the failed-login rate limit.',
  },
  AUTH_ACCESS_LISTEN: {
    type: 'bool',
    default: true,
    group: 'auth',
    description:
      "Gateways answer a verified login's requests with the principal and accounts held in memory, learning of changes (password reset, revoked token, share) through PostgreSQL LISTEN/NOTIFY on a connection of their own (ADR 0011). Set false when DATABASE_URL goes through a pooler that does not keep sessions (PgBouncer in transaction mode): every request then reads them from the database.",
  },

  // --- tracing (OpenTelemetry; off unless an endpoint is set) ---
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    type: 'url',
    group: 'tracing',
    description:
      'Base URL of an OTLP/HTTP trace collector (e.g. http://otel-collector:4318). Set: each service exports spans (HTTP, Kafka commands, PostgreSQL) to <url>/v1/traces; unset: tracing is off.',
  },
  TRACING_SAMPLE_PERCENT: {
    type: 'int',
    default: 10,
    min: 0,
    max: 100,
    group: 'tracing',
    description: 'Percent of new traces recorded when tracing is on; services follow the decision of the gateway that started the trace.',
  },

  // --- push (RFC 8620 section 7, RFC 8887) ---
  EVENTSOURCE_MIN_PING_SECONDS: {
    type: 'int',
    default: 5,
    min: 1,
    max: 30,
    group: 'push',
    description:
      'Smallest EventSource ping interval the gateway uses; a smaller non-zero `ping` is raised to it (RFC 8620 section 7.3 allows a minimum of at most 30).',
  },
  EVENTSOURCE_TOKEN_TTL_SECONDS: {
    type: 'int',
    default: 300,
    min: 10,
    max: 86400,
    group: 'push',
    description: 'Lifetime of a ticket from POST /jmap/eventsource-token (for EventSource clients that cannot send an Authorization header).',
  },
  PUSH_ALLOWED_HOSTS: {
    type: 'list',
    group: 'push',
    description:
      'Host names (or IP addresses) that PushSubscription URLs may name although they resolve to loopback, private or link-local addresses, and which may use http://. Unset: only public https URLs (server-side request forgery guard).',
  },
  PUSH_MAX_SUBSCRIPTIONS: {
    type: 'int',
    default: 16,
    min: 1,
    max: 1000,
    group: 'push',
    description: 'PushSubscriptions one user (principal) may have (RFC 8620 section 8.6 requires a limit).',
  },
  PUSH_SUBSCRIPTION_MAX_DAYS: {
    type: 'int',
    default: 7,
    min: 2,
    max: 365,
    group: 'push',
    description: 'Longest PushSubscription lifetime; a later or missing `expires` is set to now plus this (RFC 8620 section 7.2: at least 48 hours).',
  },
  PUSH_TTL_SECONDS: {
    type: 'int',
    default: 3600,
    min: 0,
    group: 'push',
    description: 'RFC 8030 TTL header of push messages: how long the client\'s push service may keep an undelivered message.',
  },
  PUSH_DELIVERY_ATTEMPTS: {
    type: 'int',
    default: 5,
    min: 1,
    max: 20,
    group: 'push',
    description: 'POSTs of one push message (first plus retries with exponential backoff) before it counts as failed.',
  },
  PUSH_RETRY_BASE_MS: {
    type: 'int',
    default: 1000,
    min: 10,
    group: 'push',
    description: 'First retry delay of a failed push POST; each further retry doubles it (a 429 Retry-After wins when longer).',
  },
  PUSH_FAILURES_BEFORE_REMOVAL: {
    type: 'int',
    default: 10,
    min: 1,
    group: 'push',
    description: 'Consecutive failed push messages after which a PushSubscription is destroyed (a 404 or 410 destroys it at once).',
  },
  PUSH_REQUEST_TIMEOUT_MS: {
    type: 'int',
    default: 10000,
    min: 100,
    group: 'push',
    description: 'Timeout of one push POST to a subscription URL.',
  },

  // --- inbound delivery (LMTP / SMTP) ---
  LMTP_PORT: {
    type: 'int',
    default: 2424,
    min: 0,
    max: 65535,
    group: 'delivery',
    description: 'Port of the LMTP listener (RFC 2033) of the delivery service and the standalone server; 0 picks a free port.',
  },
  SMTP_PORT: {
    type: 'int',
    min: 0,
    max: 65535,
    group: 'delivery',
    description: 'Port of the plain SMTP listener (for tests and simple setups). Unset: no SMTP listener.',
  },
  DELIVERY_HOST: {
    type: 'string',
    group: 'delivery',
    description: 'Address the LMTP and SMTP listeners bind. Defaults to HOST.',
  },
  DELIVERY_HOSTNAME: {
    type: 'string',
    group: 'delivery',
    description: 'Host name in the LMTP/SMTP greeting and in the Received fields of delivered messages. Defaults to the system host name.',
  },
  MAX_MESSAGE_SIZE: {
    type: 'int',
    default: 50_000_000,
    min: 1000,
    group: 'delivery',
    description: 'Largest message in octets the LMTP/SMTP listeners accept (advertised with SIZE; larger ones get 552).',
  },

  // --- submission (EmailSubmission, outbound relay, VacationResponse) ---
  SMTP_RELAY_URL: {
    type: 'url',
    group: 'submission',
    description:
      'Smarthost for outbound mail: smtp://[user:pass@]host[:port] (port 587, STARTTLS per SMTP_RELAY_STARTTLS) or smtps://... (implicit TLS, port 465); user and password (URL-encoded) are used for AUTH. Unset: only recipients hosted here get mail; remote ones stay queued (said in the log at start).',
  },
  SMTP_RELAY_STARTTLS: {
    type: 'enum',
    values: ['auto', 'require', 'opportunistic', 'off'],
    default: 'auto',
    group: 'submission',
    description:
      'STARTTLS towards an smtp:// relay: require (fail without it), opportunistic (use it when offered), off (never); auto is require when the URL has credentials (AUTH never goes in clear), else opportunistic. Ignored for smtps://.',
  },
  SMTP_RELAY_TLS_VERIFY: {
    type: 'bool',
    default: true,
    group: 'submission',
    description: "Verify the relay's TLS certificate (turn off only for a relay with a self-signed certificate on a trusted network).",
  },
  SMTP_RELAY_TIMEOUT_MS: {
    type: 'int',
    default: 60000,
    min: 100,
    group: 'submission',
    description: 'Timeout of each step of an SMTP session with the relay (connect, greeting, each reply).',
  },
  SMTP_HELO_NAME: {
    type: 'string',
    group: 'submission',
    description: 'Name this server gives in EHLO to the relay. Defaults to the system host name.',
  },
  SUBMISSION_MAX_DELAYED_SEND: {
    type: 'int',
    default: 604800,
    min: 0,
    group: 'submission',
    description: 'Seconds a send may be delayed with FUTURERELEASE (HOLDFOR/HOLDUNTIL on mailFrom): maxDelayedSend of the submission capability; 0 turns delayed send off.',
  },
  SUBMISSION_MAX_RECIPIENTS: {
    type: 'int',
    default: 100,
    min: 1,
    group: 'submission',
    description: 'Most rcptTo addresses per EmailSubmission (more: tooManyRecipients).',
  },
  SUBMISSION_MAX_SIZE: {
    type: 'int',
    default: 26214400,
    min: 1000,
    group: 'submission',
    description: 'Largest message in octets an EmailSubmission may send (larger: tooLarge with maxSize).',
  },
  SUBMISSION_MAX_PER_DAY: {
    type: 'int',
    default: 1000,
    min: 0,
    group: 'submission',
    description: 'Most EmailSubmissions an account may create in 24 hours (more: forbiddenToSend); bounds the damage of a stolen credential.',
  },
  SUBMISSION_POLL_MS: {
    type: 'int',
    default: 1000,
    min: 10,
    group: 'submission',
    description: 'How often each submission-service replica looks for due sends (delayed sends, retries, sends queued by another replica).',
  },
  SUBMISSION_RETRY_BASE_MS: {
    type: 'int',
    default: 60000,
    min: 10,
    group: 'submission',
    description: 'First retry delay after a transient failure (4xx, relay unreachable); doubles with each attempt up to SUBMISSION_RETRY_MAX_MS.',
  },
  SUBMISSION_RETRY_MAX_MS: {
    type: 'int',
    default: 3600000,
    min: 10,
    group: 'submission',
    description: 'Longest delay between two attempts of a send.',
  },
  SUBMISSION_MAX_ATTEMPTS: {
    type: 'int',
    default: 20,
    min: 1,
    group: 'submission',
    description: 'Attempts per recipient before a transiently failing one is given up (delivered "no" with the last reply).',
  },
  SUBMISSION_SEND_CONCURRENCY: {
    type: 'int',
    default: 4,
    min: 1,
    max: 100,
    group: 'submission',
    description: 'Sends in flight per submission-service replica (each holds a database connection while it sends).',
  },
  VACATION_PERIOD_DAYS: {
    type: 'int',
    default: 7,
    min: 1,
    group: 'submission',
    description: 'A vacation reply goes to each sender at most once in this many days (RFC 3834 section 2).',
  },

  // --- standalone ---
  DATA_DIR: {
    type: 'string',
    default: './data',
    group: 'standalone',
    description: 'Where the standalone server keeps everything (embedded PostgreSQL, blobs, lock file).',
  },
});

export type EnvName = keyof typeof ENV;
