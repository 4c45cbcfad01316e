import { describe, expect, it } from 'vitest';
import { parseRelayUrl, tlsOptions } from './smtp-relay.js';

describe('SMTP_RELAY_URL and SMTP_RELAY_STARTTLS', () => {
  it('parses smtp:// and smtps:// with URL-encoded credentials and default ports', () => {
    expect(parseRelayUrl('smtp://us%40er:p%2Fss@relay.example.net')).toEqual({
      host: 'relay.example.net',
      port: 587,
      secure: false,
      user: 'us@er',
      pass: 'p/ss',
    });
    expect(parseRelayUrl('smtps://relay.example.net')).toMatchObject({ port: 465, secure: true, user: null });
    expect(parseRelayUrl('smtp://[::1]:2525')).toMatchObject({ host: '::1', port: 2525 });
    expect(() => parseRelayUrl('http://relay')).toThrow(/smtp/);
  });

  it('auto requires STARTTLS when credentials are sent, else uses it when offered; smtps needs no STARTTLS', () => {
    const plain = parseRelayUrl('smtp://relay:25');
    const withAuth = parseRelayUrl('smtp://u:p@relay:587');
    expect(tlsOptions('auto', withAuth)).toEqual({
      requireTLS: true,
      ignoreTLS: false,
      opportunisticTLS: false,
    });
    expect(tlsOptions('auto', plain)).toEqual({
      requireTLS: false,
      ignoreTLS: false,
      opportunisticTLS: true,
    });
    expect(tlsOptions('off', withAuth)).toEqual({
      requireTLS: false,
      ignoreTLS: true,
      opportunisticTLS: false,
    });
    expect(tlsOptions('require', plain).requireTLS).toBe(true);
    expect(tlsOptions('require', parseRelayUrl('smtps://relay')).requireTLS).toBe(false);
  });
});
