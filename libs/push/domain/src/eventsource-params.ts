/**
 * The EventSource URL's variables (RFC 8620 section 7.3): `types` (a comma-separated list of type names, or
 * `*`), `closeafter` (`state` or `no`) and `ping` (seconds; 0 for none). The server clamps the ping interval to
 * [minimum, MAX_PING_SECONDS] and tells the client the interval it uses in every ping event.
 */

/** The largest ping interval used; the RFC forbids a maximum below 300. */
export const MAX_PING_SECONDS = 3600;

export interface EventSourceParams {
  /** null: every type. */
  types: ReadonlySet<string> | null;
  closeAfterState: boolean;
  /** Seconds between pings (after clamping); 0: no pings. */
  pingSeconds: number;
}

export class EventSourceParamError extends Error {}

const TYPE_NAME_RE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export function parseEventSourceParams(
  query: Readonly<Record<string, string | string[] | undefined>>,
  minPingSeconds: number,
): EventSourceParams {
  const one = (name: string): string | undefined => {
    const v = query[name];
    if (Array.isArray(v)) throw new EventSourceParamError(`"${name}" is given more than once.`);
    return v;
  };
  const typesRaw = one('types') ?? '*';
  let types: Set<string> | null = null;
  if (typesRaw !== '*') {
    const names = typesRaw.split(',').map((t) => t.trim()).filter(Boolean);
    if (names.length === 0 || names.length > 64 || !names.every((t) => TYPE_NAME_RE.test(t))) {
      throw new EventSourceParamError('"types" must be "*" or a comma-separated list of type names.');
    }
    types = new Set(names);
  }
  const closeafter = one('closeafter') ?? 'no';
  if (closeafter !== 'state' && closeafter !== 'no') throw new EventSourceParamError('"closeafter" must be "state" or "no".');
  const pingRaw = one('ping') ?? '0';
  if (!/^\d{1,9}$/.test(pingRaw)) throw new EventSourceParamError('"ping" must be a non-negative integer (seconds).');
  const ping = Number(pingRaw);
  const pingSeconds = ping === 0 ? 0 : Math.min(MAX_PING_SECONDS, Math.max(minPingSeconds, ping));
  return { types, closeAfterState: closeafter === 'state', pingSeconds };
}

/** One server-sent event in the text/event-stream format. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}
