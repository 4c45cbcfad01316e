/**
 * HTTP authentication for the gateway (RFC 8620 section 8.2 leaves the scheme to the server): Basic with the
 * account's email and password, or Bearer with an API token "jmap_<id>_<secret>".
 *
 * Security bounds: secrets are verified against argon2id hashes; a successful verification is cached for
 * CACHE_TTL_MS under a SHA-256 of the credential together with the principal's credentials version. With
 * `AccessChanges` (ADR 0011), a cached login is answered from memory, the principal and its accounts as last read,
 * while PostgreSQL has reported no change to them; otherwise, and whenever the listening connection is down, it
 * reads them again, so a password reset, a disabled principal, a revoked token or a changed share takes effect in
 * every replica as soon as its notification arrives (without AccessChanges: on the next request). Failed attempts are
 * counted in PostgreSQL per login name and per client address (shared by all replicas); past the limit within
 * the window the gateway answers 429 without verifying anything, so guessing stays slow whichever replica is hit.
 */
import type { Pool } from '@jmap/platform';
import type { AccessChanges } from './access-changes.js';
import type { AccountRecord, AccountsRepository, PrincipalRecord } from './accounts.repository.js';
import { hashSecret, sha256, verifySecret } from './secrets.js';

export type AuthResult =
  /**
   * `accounts`, when present, are the principal's accessible accounts read together with it (a cached
   * verification); `fromMemory`: they were not read for this request but remembered (see AccessChanges).
   */
  | { ok: true; principal: PrincipalRecord; method: 'basic' | 'bearer'; accounts?: AccountRecord[]; fromMemory?: boolean }
  | { ok: false; status: 401 | 429; reason: string; retryAfterSeconds?: number };

const CACHE_TTL_MS = 10 * 60_000;
const CACHE_MAX = 50_000;

interface CacheEntry {
  principalId: string;
  credentialsVersion: number;
  expires: number;
  /** The principal and its accounts as last read, with the AccessChanges stamp taken before that read. */
  known?: Known;
}

interface Known {
  principal: PrincipalRecord;
  accounts: AccountRecord[];
  stamp: number;
  /** The token's expiry (ms) for a Bearer login; null: none. */
  tokenExpires: number | null;
}

export interface AuthenticateOptions {
  /** Read the principal and its accounts from the database even when a remembered answer is fresh. */
  fresh?: boolean;
}

export interface AuthLimits {
  failuresPerWindow: number;
  windowSeconds: number;
}

let dummy: Promise<string> | undefined;
/** A hash no secret matches, verified against when there is nothing to verify, to keep the time constant. */
const dummyHash = () => (dummy ??= hashSecret(`dummy-${Math.random()}`));

export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly pool: Pool,
    private readonly repo: AccountsRepository,
    private readonly limits: AuthLimits,
    private readonly changes?: AccessChanges,
  ) {}

  async authenticate(authorization: string | undefined, clientAddress: string, options: AuthenticateOptions = {}): Promise<AuthResult> {
    if (!authorization) return { ok: false, status: 401, reason: 'authentication required' };
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space < 0 ? undefined : space).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'basic') return this.basic(value, clientAddress, options);
    if (scheme === 'bearer') return this.bearer(value, clientAddress, options);
    return { ok: false, status: 401, reason: 'unsupported authentication scheme' };
  }

  private async basic(value: string, clientAddress: string, options: AuthenticateOptions): Promise<AuthResult> {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, status: 401, reason: 'malformed Basic credentials' };
    const email = decoded.slice(0, colon).trim().toLowerCase();
    const password = decoded.slice(colon + 1);
    const cacheKey = sha256(`basic\u0000${email}\u0000${password}`);
    const cached = await this.fromCache(cacheKey, options);
    if (cached) return { ok: true, ...cached, method: 'basic' };

    const limited = await this.rateLimited([`p:${email}`, `a:${clientAddress}`]);
    if (limited) return limited;
    const principal = await this.repo.principalByEmail(email);
    // An unknown login, a disabled one or one without a password costs the same argon2 verification as a wrong
    // password: answering faster would tell a guesser which addresses have accounts.
    const hash = principal !== null && !principal.disabled && principal.passwordHash !== null ? principal.passwordHash : null;
    const verified = await verifySecret(hash ?? (await dummyHash()), password);
    const ok = hash !== null && verified;
    if (!ok || !principal) {
      await this.recordFailure([`p:${email}`, `a:${clientAddress}`]);
      return { ok: false, status: 401, reason: 'invalid credentials' };
    }
    this.remember(cacheKey, principal);
    return { ok: true, principal, method: 'basic' };
  }

  private async bearer(value: string, clientAddress: string, options: AuthenticateOptions): Promise<AuthResult> {
    const m = /^jmap_([a-z2-7]+)_([a-z2-7]+)$/.exec(value);
    if (!m) {
      const limited = await this.rateLimited([`a:${clientAddress}`]);
      if (limited) return limited;
      await this.recordFailure([`a:${clientAddress}`]);
      return { ok: false, status: 401, reason: 'invalid token' };
    }
    const [, tokenId, secret] = m;
    const cacheKey = sha256(`bearer\u0000${value}`);
    const cached = await this.fromCache(cacheKey, options, tokenId);
    if (cached) return { ok: true, ...cached, method: 'bearer' };

    const limited = await this.rateLimited([`t:${tokenId}`, `a:${clientAddress}`]);
    if (limited) return limited;
    const token = await this.repo.tokenById(tokenId);
    const usable = token !== null && (token.expiresAt === null || token.expiresAt > new Date());
    const verified = await verifySecret(usable ? token.secretHash : await dummyHash(), secret);
    const valid = usable && verified;
    const principal = valid && token ? await this.repo.principalById(token.principalId) : null;
    if (!principal || principal.disabled) {
      await this.recordFailure([`t:${tokenId}`, `a:${clientAddress}`]);
      return { ok: false, status: 401, reason: 'invalid token' };
    }
    this.remember(cacheKey, principal);
    void this.pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [tokenId]).catch(() => undefined);
    return { ok: true, principal, method: 'bearer' };
  }

  /**
   * A cached verification is valid while the principal exists, is enabled and kept its credentials version (and
   * the token, for Bearer, exists and has not expired). The principal's accounts come in the same statement.
   * What was read last answers without a statement while AccessChanges reports nothing changed since.
   */
  private async fromCache(
    key: string,
    options: AuthenticateOptions,
    tokenId?: string,
  ): Promise<{ principal: PrincipalRecord; accounts: AccountRecord[]; fromMemory: boolean } | null> {
    const entry = this.cache.get(key);
    const now = Date.now();
    if (!entry || entry.expires < now) {
      if (entry) this.cache.delete(key);
      return null;
    }
    const known = entry.known;
    if (
      known &&
      !options.fresh &&
      this.changes?.isFresh(entry.principalId, known.stamp) &&
      (known.tokenExpires === null || known.tokenExpires > now)
    ) {
      return { principal: known.principal, accounts: known.accounts, fromMemory: true };
    }
    entry.known = undefined;
    const stamp = this.changes?.stamp() ?? 0;
    const found = await this.repo.principalWithAccounts(entry.principalId);
    if (!found || found.principal.disabled || found.principal.credentialsVersion !== entry.credentialsVersion) {
      this.cache.delete(key);
      return null;
    }
    let tokenExpires: number | null = null;
    if (tokenId) {
      const token = await this.repo.tokenById(tokenId);
      if (!token || (token.expiresAt !== null && token.expiresAt <= new Date())) {
        this.cache.delete(key);
        return null;
      }
      tokenExpires = token.expiresAt?.getTime() ?? null;
    }
    if (stamp !== 0) entry.known = { ...found, stamp, tokenExpires };
    return { ...found, fromMemory: false };
  }

  private remember(key: string, principal: PrincipalRecord): void {
    if (this.cache.size >= CACHE_MAX) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { principalId: principal.id, credentialsVersion: principal.credentialsVersion, expires: Date.now() + CACHE_TTL_MS });
  }

  private windowStart(): Date {
    const ms = this.limits.windowSeconds * 1000;
    return new Date(Math.floor(Date.now() / ms) * ms);
  }

  private async rateLimited(keys: string[]): Promise<AuthResult | null> {
    const { rows } = await this.pool.query<{ key: string; failures: number }>(
      'SELECT key, failures FROM auth_failures WHERE key = ANY($1) AND window_start = $2',
      [keys, this.windowStart()],
    );
    if (rows.some((r) => r.failures >= this.limits.failuresPerWindow)) {
      const retry = Math.ceil((this.windowStart().getTime() + this.limits.windowSeconds * 1000 - Date.now()) / 1000);
      return { ok: false, status: 429, reason: 'too many failed logins; try again later', retryAfterSeconds: Math.max(1, retry) };
    }
    return null;
  }

  private async recordFailure(keys: string[]): Promise<void> {
    const start = this.windowStart();
    await this.pool.query(
      `INSERT INTO auth_failures (key, window_start, failures) SELECT k, $2, 1 FROM unnest($1::text[]) AS k
         ON CONFLICT (key, window_start) DO UPDATE SET failures = auth_failures.failures + 1`,
      [keys, start],
    );
    if (Math.random() < 0.02) {
      await this.pool
        .query('DELETE FROM auth_failures WHERE window_start < $1', [new Date(start.getTime() - this.limits.windowSeconds * 1000)])
        .catch(() => undefined);
    }
  }
}
