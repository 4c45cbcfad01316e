/**
 * Content-Transfer-Encoding decoders (RFC 2045 section 6). Both are tolerant: a broken encoding never throws,
 * and what cannot be decoded is skipped (base64) or kept literally (quoted-printable).
 */

/** Transfer encodings RFC 2045 defines; any other value is unknown and treated as identity (RFC 8621 4.1.4). */
export const KNOWN_ENCODINGS: ReadonlySet<string> = new Set([
  '7bit',
  '8bit',
  'binary',
  'base64',
  'quoted-printable',
]);

const B64 = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  B64[c.charCodeAt(0)] = i;
});

/**
 * RFC 2045 6.8: characters outside the alphabet are ignored. "=" ends the current quantum; decoding goes on
 * after it, which recovers bodies made of several base64 blobs concatenated.
 */
export function decodeBase64(input: Uint8Array): Buffer {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  // Fast path: only the alphabet and line breaks, "=" only at the very end. Node's native decoder gives the same
  // octets for such input, many times faster than the tolerant loop below.
  const pad = text.indexOf('=');
  if (!/[^A-Za-z0-9+/=\r\n]/.test(text) && (pad === -1 || /^=+[\r\n]*$/.test(text.slice(pad)))) {
    return Buffer.from(text, 'base64');
  }
  return decodeBase64Tolerant(input);
}

function decodeBase64Tolerant(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((input.length * 3) / 4) + 3);
  let n = 0;
  let bits = 0;
  let count = 0;
  const flush = () => {
    // A quantum cut short by "=" or by the end still yields the octets its characters fully determine.
    if (count === 2) out[n++] = (bits >> 4) & 0xff;
    if (count === 3) {
      out[n++] = (bits >> 10) & 0xff;
      out[n++] = (bits >> 2) & 0xff;
    }
    bits = 0;
    count = 0;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === 0x3d) {
      flush();
      continue;
    }
    const v = B64[c];
    if (v < 0) continue;
    bits = (bits << 6) | v;
    if (++count === 4) {
      out[n++] = (bits >> 16) & 0xff;
      out[n++] = (bits >> 8) & 0xff;
      out[n++] = bits & 0xff;
      bits = 0;
      count = 0;
    }
  }
  flush();
  return out.subarray(0, n);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const isBlank = (c: number | undefined) => c === 0x20 || c === 0x09;
const isLineEnd = (c: number | undefined) => c === 0x0d || c === 0x0a;

/**
 * RFC 2045 6.7: "=XX" is an octet (lowercase hex accepted), "=" at the end of a line (after optional transport
 * padding) is a soft line break, and white space at the end of a line is deleted. A malformed "=" is kept.
 */
export function decodeQuotedPrintable(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === 0x3d) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0 && i + 2 < input.length) {
        out[n++] = (hi << 4) | lo;
        i += 3;
        continue;
      }
      let j = i + 1;
      while (isBlank(input[j])) j++;
      if (j >= input.length || isLineEnd(input[j])) {
        i = input[j] === 0x0d && input[j + 1] === 0x0a ? j + 2 : j + 1;
        continue;
      }
      out[n++] = c;
      i++;
      continue;
    }
    if (isBlank(c)) {
      let j = i;
      while (isBlank(input[j])) j++;
      if (j < input.length && !isLineEnd(input[j])) for (; i < j; i++) out[n++] = input[i];
      i = j;
      continue;
    }
    out[n++] = c;
    i++;
  }
  return out.subarray(0, n);
}

/** Transfer-decodes a body; unknown or absent encodings are identity (RFC 8621 4.1.4 blobId). */
export function decodeTransfer(body: Buffer, encoding: string | null): Buffer {
  if (encoding === 'base64') return decodeBase64(body);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}
