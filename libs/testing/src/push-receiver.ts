/**
 * A push service stand-in for e2e tests: an HTTP server on loopback that records every POST (headers and raw
 * body), answering with a status the test chooses, plus a Web Push subscriber's keys and the RFC 8291 / RFC 8188
 * decryption of an aes128gcm body, written from the RFCs (independently of the server's encryption library).
 */
import { createECDH, createDecipheriv, createHmac, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Inbox } from './push-clients.js';

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface PushReceiver {
  readonly url: string;
  readonly received: Inbox<ReceivedPush>;
  /** Status code of the next answers (default 201). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const received = new Inbox<ReceivedPush>();
  let status = 201;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (s) => (status = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A user agent's Web Push keys (RFC 8291 section 2): a P-256 key pair and a 16-octet auth secret. */
export interface PushKeys {
  ecdh: ECDH;
  /** The subscription's `keys` as JMAP wants them (URL-safe base64). */
  keys: { p256dh: string; auth: string };
}

export function generatePushKeys(): PushKeys {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return { ecdh, keys: { p256dh: publicKey.toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

const hmac = (key: Buffer, ...data: Buffer[]) => {
  const h = createHmac('sha256', key);
  for (const d of data) h.update(d);
  return h.digest();
};

/** Decrypts an RFC 8291 message (Content-Encoding: aes128gcm, one record) with the subscriber's keys. */
export function decryptPush(body: Buffer, subscriber: PushKeys): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const senderPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (idlen !== 65 || ciphertext.length > rs) throw new Error(`unexpected header: idlen ${idlen}, rs ${rs}, ${ciphertext.length} octets`);
  const receiverPublic = subscriber.ecdh.getPublicKey();
  const ecdhSecret = subscriber.ecdh.computeSecret(senderPublic);
  const auth = Buffer.from(subscriber.keys.auth, 'base64url');
  // RFC 8291 section 3.4: IKM from the ECDH secret and the auth secret.
  const prkKey = hmac(auth, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const ikm = hmac(prkKey, keyInfo, Buffer.from([1]));
  // RFC 8188 section 2.2: content-encryption key and nonce from the salt.
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0'), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0'), Buffer.from([1])).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 followed by zero or more 0x00 octets of padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end);
}
