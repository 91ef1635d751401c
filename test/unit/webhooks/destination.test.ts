import { describe, expect, it } from 'vitest';
import {
  DestinationLookupError,
  DestinationRefusedError,
  parseDestination,
  type RefusalReason,
  type Resolver,
  vetDestination,
} from '../../../shared/webhooks/destination.ts';

const aws = { mode: 'aws' } as const;
const local = { mode: 'local' } as const;

/**
 * DNS answers no local resolver gives (a public name answering a private or metadata address): the only thing faked
 * in these tests. The real system resolver is the default, and is used by the integration tests.
 */
const answers =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const refusal = (f: () => unknown): RefusalReason | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof DestinationRefusedError) return e.reason;
    throw e;
  }
  return undefined;
};

describe('a webhook URL in aws mode', () => {
  it.each<[string, RefusalReason]>([
    ['not a url', 'url'],
    ['/relative/path', 'url'],
    ['http://hooks.example.com/', 'scheme'],
    ['ftp://hooks.example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://hooks.example.com/', 'scheme'],
    ['https://user:pass@hooks.example.com/', 'credentials'],
    ['https://user@hooks.example.com/', 'credentials'],
    ['https://hooks.example.com:8443/', 'port'],
    ['https://hooks.example.com:80/', 'port'],
    ['https://127.0.0.1/', 'ip-literal'],
    ['https://8.8.8.8/', 'ip-literal'],
    ['https://2130706433/', 'ip-literal'], // 127.0.0.1 in decimal: the URL parser rewrites it
    ['https://0x7f.0.0.1/', 'ip-literal'],
    ['https://0177.0.0.1/', 'ip-literal'],
    ['https://127.1/', 'ip-literal'],
    ['https://[::1]/', 'ip-literal'],
    ['https://[::ffff:169.254.169.254]/', 'ip-literal'],
    ['https://[2606:4700::1111]/', 'ip-literal'],
    ['https://localhost/', 'hostname'],
    ['https://LOCALHOST./', 'hostname'],
    ['https://api.localhost/', 'hostname'],
    ['https://intranet/', 'hostname'],
    ['https://metadata/', 'hostname'],
  ])('%s is refused (%s)', (url, reason) => {
    expect(refusal(() => parseDestination(url, aws))).toBe(reason);
  });

  it('refuses a URL longer than 2048 characters', () => {
    expect(refusal(() => parseDestination(`https://hooks.example.com/${'a'.repeat(2048)}`, aws))).toBe('url');
  });

  it.each([
    ['https://hooks.example.com/webhooks?tenant=acme', 443, '/webhooks', 'hooks.example.com'],
    ['https://hooks.example.com:443/x', 443, '/x', 'hooks.example.com'],
    ['https://Hooks.Example.COM./', 443, '/', 'hooks.example.com.'],
    ['https://xn--bcher-kva.example/', 443, '/', 'xn--bcher-kva.example'],
  ])('%s is a valid destination', (url, port, path, hostname) => {
    const d = parseDestination(url, aws);
    expect(d).toMatchObject({ protocol: 'https:', port, hostname, literal: false });
    expect(d.url.pathname).toBe(path);
  });

  it('allows another port only when the operator lists it', () => {
    expect(parseDestination('https://hooks.example.com:8443/', { ...aws, allowedPorts: [8443] }).port).toBe(8443);
    expect(refusal(() => parseDestination('https://hooks.example.com:8444/', { ...aws, allowedPorts: [8443] }))).toBe(
      'port',
    );
  });
});

describe('a webhook URL in local mode', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', 'http:', '127.0.0.1', 8080, true],
    ['http://[::1]:9000/', 'http:', '::1', 9000, true],
    ['http://localhost:3000/', 'http:', 'localhost', 3000, false],
    ['https://hooks.example.com/', 'https:', 'hooks.example.com', 443, false],
    ['http://receiver/', 'http:', 'receiver', 80, false],
  ])('%s is allowed', (url, protocol, hostname, port, literal) => {
    expect(parseDestination(url, local)).toMatchObject({ protocol, hostname, port, literal });
  });

  it.each<[string, RefusalReason]>([
    ['ftp://127.0.0.1/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['http://user:pw@127.0.0.1:8080/', 'credentials'],
  ])('%s is refused (%s)', (url, reason) => {
    expect(refusal(() => parseDestination(url, local))).toBe(reason);
  });
});

describe('vetting the addresses', () => {
  it('returns every public address of the answer, in order', async () => {
    const d = await vetDestination('https://hooks.example.com/', {
      ...aws,
      resolve: answers('203.0.114.10', '2606:4700::1111'),
    });
    expect(d.addresses).toEqual([
      { address: '203.0.114.10', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  it.each([
    ['127.0.0.1'],
    ['169.254.169.254'],
    ['10.0.0.5'],
    ['100.64.0.1'],
    ['0.0.0.0'],
    ['::1'],
    ['::ffff:169.254.169.254'],
    ['::ffff:a9fe:a9fe'],
    ['64:ff9b::a9fe:a9fe'],
    ['fd00:ec2::254'],
    ['fe80::1'],
    ['not-an-address'],
  ])('refuses a name resolving to %s in aws mode, and names its range but never the address', async (address) => {
    const error = await vetDestination('https://hooks.example.com/', { ...aws, resolve: answers(address) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DestinationRefusedError);
    expect(error).toMatchObject({ reason: 'address', retryable: false });
    expect((error as Error).message).not.toContain(address);
  });

  it('refuses the whole answer when any one address is not public', async () => {
    for (const resolve of [answers('8.8.8.8', '127.0.0.1'), answers('2606:4700::1111', '8.8.4.4', 'fd00::1')]) {
      await expect(vetDestination('https://hooks.example.com/', { ...aws, resolve })).rejects.toMatchObject({
        reason: 'address',
      });
    }
  });

  it('in local mode allows loopback, and nothing else that is not public', async () => {
    const at = (url: string, ...addresses: string[]) =>
      vetDestination(url, { ...local, resolve: answers(...addresses) });
    await expect(at('http://receiver:8080/', '127.0.0.1', '::1')).resolves.toMatchObject({
      addresses: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    await expect(at('http://127.0.0.1:1/')).resolves.toMatchObject({ addresses: [{ address: '127.0.0.1' }] });
    for (const literal of ['http://10.0.0.1/', 'http://169.254.169.254/', 'http://[fe80::1]/', 'http://0.0.0.0:80/']) {
      await expect(at(literal)).rejects.toMatchObject({ reason: 'address' });
    }
    for (const address of ['192.168.1.1', '169.254.169.254', 'fd00:ec2::254']) {
      await expect(at('http://receiver/', address)).rejects.toMatchObject({ reason: 'address' });
    }
  });

  it('reports a name that does not resolve as a lookup failure, which may pass', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(vetDestination('https://hooks.example.com/', { ...aws, resolve: failing })).rejects.toMatchObject({
      name: 'DestinationLookupError',
      code: 'ENOTFOUND',
      retryable: true,
    });
    await expect(vetDestination('https://hooks.example.com/', { ...aws, resolve: answers() })).rejects.toBeInstanceOf(
      DestinationLookupError,
    );
  });

  it('checks the URL before asking DNS', async () => {
    let asked = 0;
    const counting: Resolver = async () => {
      asked++;
      return [{ address: '8.8.8.8', family: 4 }];
    };
    await expect(vetDestination('http://hooks.example.com/', { ...aws, resolve: counting })).rejects.toMatchObject({
      reason: 'scheme',
    });
    expect(asked).toBe(0);
  });
});
