/**
 * One delivery attempt against real HTTP(S) servers on 127.0.0.1 (local mode, which allows http and loopback), and
 * refusals in aws mode. The only fake is DNS, where a test needs an answer no local resolver gives (a name answering
 * 127.0.0.1 or the metadata address 169.254.169.254): `resolve` is injected for those, and only for those.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeliveryConnectionError,
  DeliveryRedirectError,
  DeliveryStatusError,
  DeliveryTimeoutError,
  deliver,
  USER_AGENT,
} from '../../../shared/webhooks/deliver.ts';
import { DestinationRefusedError, type Resolver } from '../../../shared/webhooks/destination.ts';
import { generateSecret, verify } from '../../../shared/webhooks/signature.ts';

// A self-signed certificate for hooks.mineral-risk.test (EC P-256, valid until 2126), for the TLS test only.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const TLS_HOST = 'hooks.mineral-risk.test';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  servername: string | false | null;
}

/** A real server on 127.0.0.1 with a random port: every request it gets, read in full, then the handler. */
async function listen(handler: Handler, tls?: { key: Buffer; cert: Buffer }) {
  const received: Received[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body, servername: (req.socket as TLSSocket).servername });
      handler(req, body, res);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port, received, connections: () => connections, url: `http://127.0.0.1:${port}` };
}

/** A bare TCP listener that counts connections: in aws mode nothing may even connect to it. */
async function tcpListener() {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

/** DNS answers no local resolver gives (see the file's comment). */
const answers =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const local = { mode: 'local' } as const;
const body = JSON.stringify({
  type: 'supplier.risk_changed',
  timestamp: '2026-12-03T10:00:00.000Z',
  data: { id: 'S-1' },
});

describe('delivering to a receiver', () => {
  it('POSTs the JSON with the signature headers, and the receiver verifies them with verify()', async () => {
    const secret = generateSecret();
    const verified: unknown[] = [];
    const receiver = await listen((req, raw, res) => {
      try {
        verified.push(verify(raw, req.headers, secret));
        res.writeHead(204).end();
      } catch (e) {
        res.writeHead(401).end(String(e));
      }
    });
    const before = Math.floor(Date.now() / 1000);
    const result = await deliver({ url: `${receiver.url}/hooks?t=acme`, id: 'msg_1', body, secrets: [secret] }, local);

    expect(result).toMatchObject({ ok: true, status: 204, address: '127.0.0.1', responseBody: '' });
    expect(result.error).toBeUndefined();
    expect(verified).toEqual([{ id: 'msg_1', timestamp: expect.any(Number) }]);
    const [got] = receiver.received;
    expect(got?.body.toString()).toBe(body);
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'content-length': String(Buffer.byteLength(body)),
      host: `127.0.0.1:${receiver.port}`,
      'webhook-id': 'msg_1',
    });
    expect(Number(got?.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
  });

  it('signs each attempt at its own time, and with both secrets during a rotation', async () => {
    const [old, next] = [generateSecret(), generateSecret()];
    const receiver = await listen((req, raw, res) => {
      try {
        verify(raw, req.headers, old, { now: Number(req.headers['webhook-timestamp']) * 1000 });
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(401).end();
      }
    });
    const at = (ms: number) => () => ms;
    const first = await deliver(
      { url: receiver.url, id: 'msg_2', body, secrets: [next, old] },
      { ...local, now: at(1_800_000_000_000) },
    );
    const retry = await deliver(
      { url: receiver.url, id: 'msg_2', body, secrets: [next, old] },
      { ...local, now: at(1_800_000_300_000) },
    );
    expect([first.ok, retry.ok]).toEqual([true, true]);
    expect(receiver.received.map((r) => r.headers['webhook-timestamp'])).toEqual(['1800000000', '1800000300']);
    expect(receiver.received[0]?.headers['webhook-signature']?.toString().split(' ')).toHaveLength(2);
  });

  it.each([
    [500, true],
    [404, true],
    [429, true],
    [410, false],
  ])('a %i answer is a failure (retryable: %s)', async (status, retryable) => {
    const receiver = await listen((_req, _body, res) => res.writeHead(status).end('nope'));
    const result = await deliver({ url: receiver.url, id: 'msg_3', body, secrets: [generateSecret()] }, local);
    expect(result).toMatchObject({ ok: false, status, responseBody: 'nope' });
    expect(result.error).toBeInstanceOf(DeliveryStatusError);
    expect(result.error?.retryable).toBe(retryable);
  });

  it.each([301, 302, 303, 307, 308])('does not follow a %i redirect: it is a failure', async (status) => {
    const target = await listen((_req, _body, res) => res.writeHead(200).end());
    const redirecting = await listen((_req, _body, res) =>
      res.writeHead(status, { location: `${target.url}/elsewhere` }).end(),
    );
    const result = await deliver({ url: redirecting.url, id: 'msg_4', body, secrets: [generateSecret()] }, local);
    expect(result).toMatchObject({ ok: false, status });
    expect(result.error).toBeInstanceOf(DeliveryRedirectError);
    expect(result.error).toMatchObject({ location: `${target.url}/elsewhere`, retryable: false });
    expect(redirecting.received).toHaveLength(1);
    expect(target.connections()).toBe(0);
  });

  it('gives up on a receiver that does not answer within the deadline', async () => {
    const slow = await listen(() => {
      /* never answers */
    });
    const result = await deliver(
      { url: slow.url, id: 'msg_5', body, secrets: [generateSecret()] },
      { ...local, timeoutMs: 300 },
    );
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toBeInstanceOf(DeliveryTimeoutError);
    expect(result.error?.retryable).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(3000);
    expect(slow.received).toHaveLength(1);
  });

  it('gives up on a receiver that sends its headers too slowly (the deadline is total, not per read)', async () => {
    const dripping = await tcpListenerDripping();
    const result = await deliver(
      { url: dripping.url, id: 'msg_6', body, secrets: [generateSecret()] },
      { ...local, timeoutMs: 400 },
    );
    expect(result.error).toBeInstanceOf(DeliveryTimeoutError);
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('keeps the status of a receiver whose body stalls past the deadline, and the part of the body that came', async () => {
    const stalling = await listen((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('accepted, and then');
    });
    const result = await deliver(
      { url: stalling.url, id: 'msg_16', body, secrets: [generateSecret()] },
      { ...local, timeoutMs: 300 },
    );
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      responseBody: 'accepted, and then',
      responseTruncated: true,
    });
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('counts DNS in the deadline: a resolver that never answers times out', { timeout: 10_000 }, async () => {
    // A lookup stuck in getaddrinfo, which no local resolver does on demand.
    const stuck: Resolver = () => new Promise(() => undefined);
    const result = await deliver(
      { url: 'https://hooks.example.com/', id: 'msg_17', body, secrets: [generateSecret()] },
      { mode: 'aws', resolve: stuck, timeoutMs: 200 },
    );
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toBeInstanceOf(DeliveryTimeoutError);
  });

  it('reads at most maxResponseBytes of an endless response, then closes the connection', async () => {
    let closed = false;
    const endless = await listen((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {
          /* fill the socket */
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => {
        closed = true;
      });
      pump();
    });
    const result = await deliver(
      { url: endless.url, id: 'msg_7', body, secrets: [generateSecret()] },
      { ...local, timeoutMs: 5000, maxResponseBytes: 4096 },
    );
    expect(result).toMatchObject({ ok: true, status: 200, responseTruncated: true });
    expect(result.responseBody).toBe('x'.repeat(4096));
    expect(result.durationMs).toBeLessThan(4000);
    await expect.poll(() => closed).toBe(true);
  });

  it('keeps a short response whole', async () => {
    const receiver = await listen((_req, _body, res) => res.writeHead(202).end('queued'));
    const result = await deliver(
      { url: receiver.url, id: 'msg_8', body, secrets: [generateSecret()] },
      { ...local, maxResponseBytes: 6 },
    );
    expect(result).toMatchObject({ ok: true, status: 202, responseBody: 'queued', responseTruncated: false });
  });

  it('reports a refused connection as a retryable connection failure', async () => {
    const gone = await listen(() => undefined);
    await closers.splice(0).reduce((p, close) => p.then(close), Promise.resolve());
    const result = await deliver({ url: gone.url, id: 'msg_9', body, secrets: [generateSecret()] }, local);
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toBeInstanceOf(DeliveryConnectionError);
    expect(result.error).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
  });
});

describe('the connection goes to the vetted address, under the hostname', () => {
  it('connects to the address the check saw, not to a second DNS answer, and sends Host as the hostname', async () => {
    // receiver.mineral-risk.test exists in no DNS (.test is reserved): only the vetted answer can reach the server.
    const receiver = await listen((_req, _body, res) => res.writeHead(200).end());
    const result = await deliver(
      { url: `http://receiver.mineral-risk.test:${receiver.port}/in`, id: 'msg_10', body, secrets: [generateSecret()] },
      { ...local, resolve: answers('127.0.0.1') },
    );
    expect(result).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(receiver.received[0]?.headers.host).toBe(`receiver.mineral-risk.test:${receiver.port}`);
  });

  it('resolves with the system resolver by default (localhost, local mode)', async () => {
    const receiver = await listen((_req, _body, res) => res.writeHead(200).end());
    const result = await deliver(
      { url: `http://localhost:${receiver.port}/`, id: 'msg_18', body, secrets: [generateSecret()] },
      local,
    );
    expect(result).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(receiver.received[0]?.headers.host).toBe(`localhost:${receiver.port}`);
  });

  it('over TLS keeps the hostname as the server name (SNI) and checks the certificate against it', async () => {
    const receiver = await listen((_req, _body, res) => res.writeHead(200).end(), {
      key: fixture('receiver-key.pem'),
      cert: fixture('receiver-cert.pem'),
    });
    const url = `https://${TLS_HOST}:${receiver.port}/in`;
    const result = await deliver(
      { url, id: 'msg_11', body, secrets: [generateSecret()] },
      { ...local, resolve: answers('127.0.0.1'), ca: fixture('receiver-cert.pem') },
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(receiver.received[0]).toMatchObject({
      servername: TLS_HOST,
      headers: { host: `${TLS_HOST}:${receiver.port}` },
    });

    // The same server under a name its certificate does not carry: the certificate check refuses it.
    const wrong = await deliver(
      { url: `https://other.mineral-risk.test:${receiver.port}/`, id: 'msg_12', body, secrets: [generateSecret()] },
      { ...local, resolve: answers('127.0.0.1'), ca: fixture('receiver-cert.pem') },
    );
    expect(wrong.error).toBeInstanceOf(DeliveryConnectionError);
    expect(wrong.error).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('checks the destination again at every send: a name that now answers the metadata address is refused', async () => {
    const receiver = await listen((_req, _body, res) => res.writeHead(200).end());
    let calls = 0;
    // Rebinding: the first answer is allowed (loopback, local mode), the next one is the instance metadata service.
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    const send = () =>
      deliver(
        { url: `http://receiver.mineral-risk.test:${receiver.port}/`, id: 'msg_13', body, secrets: [generateSecret()] },
        { ...local, resolve: rebinding },
      );
    expect((await send()).ok).toBe(true);
    const second = await send();
    expect(second).toMatchObject({ ok: false, status: null });
    expect(second.error).toBeInstanceOf(DestinationRefusedError);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('in aws mode', () => {
  it.each([['127.0.0.1'], ['169.254.169.254'], ['::ffff:127.0.0.1'], ['8.8.8.8 and 127.0.0.1']])(
    'a public hostname that resolves to %s is refused before any connection',
    async (answer) => {
      const listener = await tcpListener();
      const result = await deliver(
        { url: `https://hooks.example.com:${listener.port}/`, id: 'msg_14', body, secrets: [generateSecret()] },
        { mode: 'aws', allowedPorts: [listener.port], resolve: answers(...answer.split(' and ')) },
      );
      expect(result).toMatchObject({ ok: false, status: null });
      expect(result.error).toBeInstanceOf(DestinationRefusedError);
      expect(result.error).toMatchObject({ reason: 'address', retryable: false });
      expect(listener.connections()).toBe(0);
    },
  );

  it('refuses http, an IP literal and a port not allowed, without resolving or connecting', async () => {
    const listener = await tcpListener();
    let asked = 0;
    const resolve: Resolver = async () => {
      asked++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    for (const [url, reason] of [
      [`http://hooks.example.com:${listener.port}/`, 'scheme'],
      [`https://127.0.0.1:${listener.port}/`, 'ip-literal'],
      [`https://hooks.example.com:${listener.port + 1}/`, 'port'],
    ] as const) {
      const result = await deliver(
        { url, id: 'msg_15', body, secrets: [generateSecret()] },
        { mode: 'aws', allowedPorts: [listener.port], resolve },
      );
      expect(result.error).toMatchObject({ name: 'DestinationRefusedError', reason });
    }
    expect(asked).toBe(0);
    expect(listener.connections()).toBe(0);
  });
});

/** A server that sends its status line one byte every 100 ms and never finishes the headers. */
async function tcpListenerDripping() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const line = Buffer.from(`HTTP/1.1 200 OK\r\nx-slow: ${'y'.repeat(1000)}`);
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || i >= line.length) return clearInterval(timer);
      socket.write(line.subarray(i, ++i));
    }, 100);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` };
}
