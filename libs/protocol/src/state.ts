/**
 * State strings are opaque to clients (RFC 8620 section 5.1). Ours are the decimal log position (modseq) that
 * the data of a type reflects (invariant 4). Anything else a client sends back is not a state we issued.
 */
export function encodeState(modseq: number): string {
  return String(modseq);
}

/** The modseq a state string names, or null when it is not one of ours. */
export function decodeState(state: unknown): number | null {
  if (typeof state !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(state)) return null;
  const n = Number(state);
  return Number.isSafeInteger(n) ? n : null;
}
