/**
 * A small JMAP client for e2e tests: the Session, API requests, uploads and downloads over real HTTP with Basic or
 * Bearer credentials. It returns status, headers and body as they came, so tests can check errors as closely as
 * successes.
 */
export type Credentials =
  { email: string; password: string } | { token: string } | { authorization: string } | null;

export type Invocation = [name: string, args: Record<string, unknown>, callId: string];

export interface ApiResult {
  status: number;
  headers: Headers;
  /** The parsed JSON body: a Response object on 200, a problem details object otherwise. */
  body: {
    methodResponses: Invocation[];
    sessionState: string;
    createdIds?: Record<string, string>;
    [key: string]: unknown;
  };
}

export interface UploadResult {
  status: number;
  headers: Headers;
  body: { accountId: string; blobId: string; type: string; size: number; [key: string]: unknown };
}

export interface DownloadResult {
  status: number;
  headers: Headers;
  body: Buffer;
}

export const CORE_CAPABILITY = 'urn:ietf:params:jmap:core';

export function authorizationHeader(credentials: Credentials): string | null {
  if (credentials === null) return null;
  if ('authorization' in credentials) return credentials.authorization;
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.email}:${credentials.password}`).toString('base64')}`;
}

export class JmapTestClient {
  constructor(
    readonly baseUrl: string,
    readonly credentials: Credentials,
  ) {}

  /** Another client for the same server with other credentials. */
  as(credentials: Credentials): JmapTestClient {
    return new JmapTestClient(this.baseUrl, credentials);
  }

  /** fetch against the gateway with this client's Authorization header (unless the caller sets one). */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const auth = authorizationHeader(this.credentials);
    if (auth && !headers.has('authorization')) headers.set('authorization', auth);
    return fetch(`${this.baseUrl}${path}`, { redirect: 'manual', ...init, headers });
  }

  async session(): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await this.fetch('/jmap/session');
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  /** POSTs a Request object; `request` may be any JSON value or raw text to test request-level errors. */
  async rawApi(request: unknown, init: RequestInit = {}): Promise<ApiResult> {
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    const body =
      typeof request === 'string' || request instanceof Uint8Array ? request : JSON.stringify(request);
    const res = await this.fetch('/jmap/api/', {
      method: 'POST',
      ...init,
      headers,
      body: body as RequestInit['body'],
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : {}) as ApiResult['body'],
    };
  }

  async api(
    using: string[],
    methodCalls: Invocation[],
    createdIds?: Record<string, string>,
  ): Promise<ApiResult> {
    return this.rawApi({ using, methodCalls, ...(createdIds ? { createdIds } : {}) });
  }

  /** One call with the core capability (plus `using`); returns the arguments of its first response and its name. */
  async call(
    name: string,
    args: Record<string, unknown>,
    using: string[] = [CORE_CAPABILITY],
  ): Promise<{ name: string; args: Record<string, unknown> }> {
    const res = await this.api(using, [[name, args, 'c0']]);
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    const [responseName, responseArgs] = res.body.methodResponses[0];
    return { name: responseName, args: responseArgs };
  }

  async upload(
    accountId: string,
    data: Uint8Array | string,
    type?: string,
    init: RequestInit = {},
  ): Promise<UploadResult> {
    const headers = new Headers(init.headers);
    if (type !== undefined) headers.set('content-type', type);
    const res = await this.fetch(`/jmap/upload/${encodeURIComponent(accountId)}/`, {
      method: 'POST',
      ...init,
      headers,
      body: data as RequestInit['body'],
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : {}) as UploadResult['body'],
    };
  }

  async download(
    accountId: string,
    blobId: string,
    name: string,
    type?: string,
    headers: Record<string, string> = {},
  ): Promise<DownloadResult> {
    const query = type === undefined ? '' : `?type=${encodeURIComponent(type)}`;
    const path = `/jmap/download/${encodeURIComponent(accountId)}/${encodeURIComponent(blobId)}/${encodeURIComponent(name)}${query}`;
    const res = await this.fetch(path, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
}
