// The SSRF guard on its own: which addresses are public, the allowlist, URL checks at subscribe
// time, and the lookup that filters resolved addresses.
import { describe, expect, it } from 'vitest';
import {
  BlockedAddressError,
  checkUrlHost,
  createGuardedLookup,
  isAddressAllowed,
  isPublicAddress,
  type ResolvedAddress,
} from '../../src/fetch/address-guard.ts';

const closed = { allowPrivateNetworks: false, privateAllowlist: [] as string[] };

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback range'],
    ['10.0.0.5', 'RFC 1918'],
    ['172.16.3.4', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b:1::808:808', 'local-use NAT64 prefix'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
    ['2001:0:7f00:1::1', 'Teredo with a loopback server'],
    ['::127.0.0.1', 'deprecated IPv4-compatible'],
    ['not an ip', 'garbage'],
    ['', 'empty'],
  ])('%s is not public (%s)', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    ['93.184.216.34'],
    ['8.8.8.8'],
    ['2606:4700::6810:84e5'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
  ])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('isAddressAllowed', () => {
  it('lets an allowlisted range through, in IPv4-mapped form too, and nothing else', () => {
    const settings = { allowPrivateNetworks: false, privateAllowlist: ['127.0.0.1/32', '10.20.0.0/16', 'fd00::5'] };
    expect(isAddressAllowed('127.0.0.1', settings)).toBe(true);
    expect(isAddressAllowed('::ffff:127.0.0.1', settings)).toBe(true);
    expect(isAddressAllowed('127.0.0.2', settings)).toBe(false);
    expect(isAddressAllowed('10.20.9.9', settings)).toBe(true);
    expect(isAddressAllowed('10.21.0.1', settings)).toBe(false);
    expect(isAddressAllowed('fd00::5', settings)).toBe(true);
    expect(isAddressAllowed('fd00::6', settings)).toBe(false);
    expect(isAddressAllowed('8.8.8.8', settings)).toBe(true);
  });

  it('ignores an unreadable allowlist entry instead of matching everything', () => {
    expect(isAddressAllowed('10.0.0.1', { allowPrivateNetworks: false, privateAllowlist: ['nonsense', '10.0.0.0/99'] })).toBe(false);
  });

  it('allows everything when private networks are allowed', () => {
    expect(isAddressAllowed('169.254.169.254', { allowPrivateNetworks: true, privateAllowlist: [] })).toBe(true);
  });
});

describe('checkUrlHost', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://localhost/',
    'http://localhost./feed',
    'http://LOCALHOST:8080/',
    'http://app.localhost/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://printer.local/',
    'http://intranet/',
  ])('refuses %s at subscribe time', (raw) => {
    const check = checkUrlHost(new URL(raw), closed);
    expect(check).toMatchObject({ ok: false, code: 'blocked' });
    if (!check.ok) expect(check.error).toMatch(/^blocked: non-public address \(/);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/feed', 'gopher://example.org/', 'data:text/xml,<rss/>'])('refuses the scheme of %s', (raw) => {
    expect(checkUrlHost(new URL(raw), closed)).toMatchObject({ ok: false, code: 'bad-url' });
  });

  it('accepts public names and addresses', () => {
    expect(checkUrlHost(new URL('https://www.cic.gc.ca/feed.xml'), closed)).toEqual({ ok: true });
    expect(checkUrlHost(new URL('http://93.184.216.34/rss'), closed)).toEqual({ ok: true });
  });

  it('honours the allowlist and allowPrivateNetworks', () => {
    expect(checkUrlHost(new URL('http://127.0.0.1:8080/'), { allowPrivateNetworks: false, privateAllowlist: ['127.0.0.1/32'] })).toEqual({ ok: true });
    expect(checkUrlHost(new URL('http://10.0.0.5/'), { allowPrivateNetworks: false, privateAllowlist: ['127.0.0.1/32'] }).ok).toBe(false);
    expect(checkUrlHost(new URL('http://localhost/'), { allowPrivateNetworks: true, privateAllowlist: [] })).toEqual({ ok: true });
  });
});

describe('createGuardedLookup', () => {
  const lookupWith = (found: ResolvedAddress[], settings = closed) =>
    createGuardedLookup(settings, async () => found);

  const call = (lookup: ReturnType<typeof createGuardedLookup>, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      lookup('feeds.example', { all }, ((err: NodeJS.ErrnoException | null, address: unknown, family?: number) =>
        resolve({ err, address, family })) as never);
    });

  it('refuses a name whose every address is private', async () => {
    const { err } = await call(lookupWith([{ address: '127.0.0.1', family: 4 }]), false);
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect(err?.message).toBe('blocked: non-public address (feeds.example → 127.0.0.1)');
  });

  it('passes on only the allowed addresses, in both callback shapes', async () => {
    const found: ResolvedAddress[] = [
      { address: '10.0.0.1', family: 4 },
      { address: '93.184.216.34', family: 4 },
    ];
    expect(await call(lookupWith(found), false)).toMatchObject({ err: null, address: '93.184.216.34', family: 4 });
    expect(await call(lookupWith(found), true)).toMatchObject({ err: null, address: [{ address: '93.184.216.34', family: 4 }] });
  });

  it('reports an empty answer as ENOTFOUND and passes resolver errors through', async () => {
    expect((await call(lookupWith([]), false)).err?.code).toBe('ENOTFOUND');
    const failing = createGuardedLookup(closed, async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    });
    expect((await call(failing, false)).err?.code).toBe('EAI_AGAIN');
  });
});
