/**
 * Where a tenant's webhook may be sent (SSRF): the URL's own rules, then every address its hostname resolves to.
 * Run at every send, not only when the endpoint is saved: DNS answers change (rebinding), and the addresses returned
 * here are the only ones the delivery connects to.
 *
 * `mode: 'aws'` (the deployed notifier):
 * - `https:` only, on port 443 or one of `allowedPorts`; no user name or password in the URL;
 * - a hostname with at least one dot, never `localhost`; **IP literals are refused** (also the decimal, octal and hex
 *   forms the URL parser turns into one, like https://2130706433/): a public receiver has a name and a certificate
 *   for it, and a name keeps one path to check (DNS) instead of the many spellings of an address;
 * - every resolved address public (address.ts): one private address among public ones refuses the whole answer,
 *   since the connection may use any of them.
 *
 * `mode: 'local'` (the local runtime and tests) additionally allows `http:`, any port, IP literals and loopback
 * addresses; private, link-local and the rest stay refused.
 *
 * Refusals name the range, never the address: the message may reach the tenant, and the addresses of names in a
 * private DNS zone are not theirs to learn.
 */
import { promises as dns } from 'node:dns';
import { MineralRiskError } from '../errors.ts';
import { type AddressRange, classifyAddress, parseIp } from './address.ts';

export type DestinationMode = 'aws' | 'local';

export type RefusalReason = 'url' | 'scheme' | 'credentials' | 'port' | 'ip-literal' | 'hostname' | 'address';

/** The destination is not allowed: the URL itself, or an address it resolves to. Not retryable as it stands. */
export class DestinationRefusedError extends MineralRiskError {
  override readonly name = 'DestinationRefusedError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly reason: RefusalReason,
  ) {
    super(message);
  }
}

/** The hostname did not resolve (no such name, no answer, resolver failure): DNS may answer later. */
export class DestinationLookupError extends MineralRiskError {
  override readonly name = 'DestinationLookupError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Answers for a hostname, as `dns.promises.lookup(hostname, { all: true })` gives them. */
export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface DestinationOptions {
  mode: DestinationMode;
  /** aws mode: ports allowed besides 443 (a receiver on 8443, say), set by the operator, never by a tenant. */
  allowedPorts?: readonly number[];
  /** The system resolver (getaddrinfo, as connections use it) unless given. */
  resolve?: Resolver;
}

export interface Destination {
  url: URL;
  protocol: 'https:' | 'http:';
  /** Without the brackets of an IPv6 literal. */
  hostname: string;
  port: number;
  /** The hostname is an IP address (local mode only). */
  literal: boolean;
}

export interface VettedDestination extends Destination {
  /** The addresses checked, in the resolver's order: connect to these and no others. */
  addresses: ResolvedAddress[];
}

const MAX_URL_LENGTH = 2048;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

const allowedRanges = (mode: DestinationMode): ReadonlySet<AddressRange> =>
  new Set<AddressRange>(mode === 'local' ? ['public', 'loopback'] : ['public']);

/** The URL's own rules (no DNS): what an endpoint is checked against when it is saved, and again at every send. */
export function parseDestination(input: string, options: DestinationOptions): Destination {
  const refuse = (message: string, reason: RefusalReason): never => {
    throw new DestinationRefusedError(message, reason);
  };
  if (input.length > MAX_URL_LENGTH) refuse(`a webhook URL has at most ${MAX_URL_LENGTH} characters`, 'url');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('the webhook URL is not an absolute URL', 'url');
  }
  const local = options.mode === 'local';
  const protocol = url.protocol;
  if (protocol !== 'https:' && !(local && protocol === 'http:')) {
    refuse(local ? 'a webhook URL is http or https' : 'a webhook URL is https', 'scheme');
  }
  if (url.username !== '' || url.password !== '') refuse('a webhook URL has no user name or password', 'credentials');

  const defaultPort = protocol === 'https:' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (!local && port !== 443 && !(options.allowedPorts ?? []).includes(port)) {
    refuse(`port ${port} is not allowed for webhooks`, 'port');
  }

  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = parseIp(hostname) !== null;
  if (!local) {
    if (literal) refuse('a webhook URL names its host, not an IP address', 'ip-literal');
    const name = hostname.replace(/\.$/, '').toLowerCase();
    if (!name.includes('.') || name === 'localhost' || name.endsWith('.localhost')) {
      refuse('a webhook URL names a public host (a fully qualified domain name)', 'hostname');
    }
  }
  return { url, protocol: protocol as Destination['protocol'], hostname, port, literal };
}

/**
 * The URL's rules, then DNS: every address must be allowed for the mode. Returns the addresses to connect to.
 * Throws DestinationRefusedError or DestinationLookupError.
 */
export async function vetDestination(input: string, options: DestinationOptions): Promise<VettedDestination> {
  const destination = parseDestination(input, options);
  let answers: readonly { address: string; family: number }[];
  if (destination.literal) {
    answers = [{ address: destination.hostname, family: 0 }];
  } else {
    try {
      answers = await (options.resolve ?? systemResolver)(destination.hostname);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DestinationLookupError(`${destination.hostname} did not resolve (${code ?? 'lookup failed'})`, code);
    }
    if (answers.length === 0) {
      throw new DestinationLookupError(`${destination.hostname} resolved to no address`, 'ENODATA');
    }
  }
  const allowed = allowedRanges(options.mode);
  const addresses: ResolvedAddress[] = [];
  for (const answer of answers) {
    const { range, family } = classifyAddress(answer.address);
    if (!allowed.has(range) || family === null) {
      const what =
        range === 'invalid' ? 'something that is not an IP address' : `an address that is not allowed (${range})`;
      throw new DestinationRefusedError(`${destination.hostname} resolves to ${what}`, 'address');
    }
    addresses.push({ address: answer.address, family });
  }
  return { ...destination, addresses };
}
