import { describe, expect, it } from 'vitest';
import { parseAddresses, parseAddressList } from './address.js';

const RFC_EXAMPLE =
  '"  James Smythe" <james@example.com>, Friends:\r\n  jane@example.com, =?UTF-8?Q?John_Sm=C3=AEth?=\r\n  <john@example.com>;';

describe('RFC 8621 4.1.2.3 Addresses and 4.1.2.4 GroupedAddresses', () => {
  it('parses the RFC example as Addresses', () => {
    expect(parseAddresses(RFC_EXAMPLE)).toEqual([
      { name: 'James Smythe', email: 'james@example.com' },
      { name: null, email: 'jane@example.com' },
      { name: 'John Smîth', email: 'john@example.com' },
    ]);
  });

  it('parses the RFC example as GroupedAddresses', () => {
    expect(parseAddressList(RFC_EXAMPLE)).toEqual([
      { name: null, addresses: [{ name: 'James Smythe', email: 'james@example.com' }] },
      {
        name: 'Friends',
        addresses: [
          { name: null, email: 'jane@example.com' },
          { name: 'John Smîth', email: 'john@example.com' },
        ],
      },
    ]);
  });

  it('keeps an empty group, and collects ungrouped mailboxes after a group into a new null group', () => {
    expect(parseAddressList(' undisclosed-recipients:;, a@x')).toEqual([
      { name: 'undisclosed-recipients', addresses: [] },
      { name: null, addresses: [{ name: null, email: 'a@x' }] },
    ]);
  });

  it('decodes quoted-pairs and keeps inner white space of a quoted display-name', () => {
    expect(parseAddresses(' "Smith, \\"JJ\\"  Jr" <j@x>')).toEqual([
      { name: 'Smith, "JJ"  Jr', email: 'j@x' },
    ]);
  });

  it('uses a comment after the addr-spec as the name when there is no display-name', () => {
    expect(parseAddresses(' j@x (John =?utf-8?q?D=C3=B6e?=)')).toEqual([{ name: 'John Döe', email: 'j@x' }]);
  });

  it('joins adjacent encoded words in a phrase without the white space between them (RFC 2047 6.2)', () => {
    expect(parseAddresses(' =?utf-8?q?a?= =?utf-8?q?b?= c <x@y>')).toEqual([{ name: 'ab c', email: 'x@y' }]);
  });

  it('does not decode an encoded word inside a quoted-string (RFC 2047 5 (3))', () => {
    expect(parseAddresses(' "=?utf-8?q?x?=" <x@y>')[0].name).toBe('=?utf-8?q?x?=');
  });

  it('drops an obs-route and keeps a quoted local part as written', () => {
    expect(parseAddresses(' <@a.example,@b.example:"odd local"@c.example>')).toEqual([
      { name: null, email: '"odd local"@c.example' },
    ]);
  });

  it('is best effort on invalid input (RFC 8621: email need not be an addr-spec)', () => {
    expect(parseAddresses(' John Smith john@example.com')).toEqual([
      { name: 'John Smith', email: 'john@example.com' },
    ]);
    expect(parseAddresses(' postmaster')).toEqual([{ name: null, email: 'postmaster' }]);
    expect(parseAddresses(' "Unclosed <a@b>')).toEqual([{ name: '"Unclosed', email: 'a@b' }]);
    expect(parseAddresses('')).toEqual([]);
  });
});
