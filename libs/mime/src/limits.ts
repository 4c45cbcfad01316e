import type { MimeLimits } from './types.js';

/**
 * Default bounds. Exceeding one never throws: parsing stops descending, keeps what it has, turns the rest into
 * one opaque part (or drops the extra header fields) and says so in ParsedMessage.problems.
 */
export const DEFAULT_LIMITS: Readonly<MimeLimits> = {
  // Each level of nesting rescans its parent's body for its own boundary (work is octets x depth), adds a
  // recursion frame, and a level of JSON nesting in bodyStructure that clients must parse. Real mail rarely
  // nests past 6; 20 leaves room for forwarded list digests.
  maxDepth: 20,
  // bodyStructure, textBody, htmlBody and attachments are sent whole in Email/get responses and each part is
  // indexed by the email service; 1,000 parts bounds both. When the bound is hit, the rest of every open
  // multipart becomes one opaque part, so the tree holds at most maxParts + maxDepth parts.
  maxParts: 1000,
  // Header fields are returned in Email/get ("headers", "header:*") and parsed on every read; 256 KiB is far
  // above any real header block (the largest seen in the wild are tens of KiB of Received/DKIM lines).
  maxHeaderBytes: 256 * 1024,
  // A block of many tiny header fields costs per-field work (lookups are linear scans) and response size.
  maxHeaders: 1000,
};

export function resolveLimits(limits?: Partial<MimeLimits>): MimeLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as (keyof MimeLimits)[]) {
    const value = limits?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 1) out[key] = Math.floor(value);
  }
  return out;
}
