/**
 * The try-it receiver (`npm run receiver`): a real HTTP server on 127.0.0.1 that verifies, de-duplicates by
 * webhook-id and says what it got. Fed here by the notifier's own sending path (deliver.ts), signed with two secrets
 * as during a rotation, and by requests it must refuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../infra/local/webhook-receiver.ts';
import { deliver } from '../../../shared/webhooks/deliver.ts';
import { generateSecret, signatureHeaders } from '../../../shared/webhooks/signature.ts';

const secret = generateSecret();
const lines: string[] = [];
let r: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  r = await startReceiver({ secrets: [secret], port: 0, print: (l) => lines.push(l) });
});
afterAll(async () => {
  await r?.stop();
});

const change = {
  type: 'supplier.risk_changed',
  timestamp: '2026-12-03T10:00:00.000Z',
  data: {
    changeId: 'S-1@2',
    supplierId: 'S-1',
    before: { score: 40.1, band: 'medium' },
    after: { score: 61.3, band: 'high' },
    delta: 21.2,
    cause: { kind: 'policy' },
  },
};

describe('the local webhook receiver', () => {
  it('verifies a signed delivery (either secret of a rotation), answers 204, prints it once per webhook-id', async () => {
    const url = `http://127.0.0.1:${r.port}/hooks`;
    const body = JSON.stringify(change);
    const request = { url, id: 'msg_test1', body, secrets: [generateSecret(), secret] };
    const first = await deliver(request, { mode: 'local' });
    const again = await deliver(request, { mode: 'local' });
    expect([first.status, again.status]).toEqual([204, 204]);
    expect(lines).toEqual([
      'msg_test1 S-1: 40.1 medium → 61.3 high (+21.2), cause policy',
      'msg_test1 again (already handled)',
    ]);
  });

  it('refuses (401) a body altered after signing, a wrong secret and missing headers', async () => {
    const url = `http://127.0.0.1:${r.port}/hooks`;
    const body = JSON.stringify(change);
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = signatureHeaders({ id: 'msg_test2', timestamp, body, secrets: [secret] });
    const cases: [Record<string, string>, string][] = [
      [signed, body.replace('61.3', '99.9')],
      [signatureHeaders({ id: 'msg_test2', timestamp, body, secrets: [generateSecret()] }), body],
      [{}, body],
    ];
    for (const [headers, payload] of cases) {
      const res = await fetch(url, { method: 'POST', headers, body: payload });
      expect(res.status).toBe(401);
    }
    expect(lines.filter((l) => l.startsWith('refused:'))).toHaveLength(3);
  });
});
