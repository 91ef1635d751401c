/** body-limit alone: a body over the limit (in bytes, decoded if base64) is refused with 413 before the route runs. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../../infra/local/lambda-context.ts';
import { bodyLimit } from '../../../../shared/http/middleware/body-limit.ts';
import { HttpProblem } from '../../../../shared/http/problem.ts';
import { apiEvent } from '../../../helpers/api-events.ts';

const LIMIT = 64;

function limited() {
  const route = vi.fn(async () => ({ statusCode: 200, body: 'ok' }));
  const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(route).use(bodyLimit(LIMIT));
  const send = (body: string | undefined, isBase64Encoded = false) =>
    h(
      apiEvent({ method: 'POST', path: '/v1/batches', body, contentType: 'text/csv', isBase64Encoded }),
      lambdaContext('api'),
    );
  return { route, send };
}

describe('bodyLimit', () => {
  it('lets a body of exactly the limit through, and no body at all', async () => {
    const { route, send } = limited();
    await expect(send('x'.repeat(LIMIT))).resolves.toMatchObject({ statusCode: 200 });
    await expect(send(undefined)).resolves.toMatchObject({ statusCode: 200 });
    expect(route).toHaveBeenCalledTimes(2);
  });

  it('refuses one byte more with a 413 problem, without running the route', async () => {
    const { route, send } = limited();
    const error = await send('x'.repeat(LIMIT + 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpProblem);
    expect(error).toMatchObject({ status: 413, title: 'Content Too Large' });
    expect((error as HttpProblem).detail).toContain(String(LIMIT));
    expect(route).not.toHaveBeenCalled();
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const { route, send } = limited();
    const euro = '€'.repeat(22); // 22 characters, 66 bytes
    await expect(send(euro)).rejects.toMatchObject({ status: 413 });
    await expect(send('€'.repeat(21))).resolves.toMatchObject({ statusCode: 200 });
    expect(route).toHaveBeenCalledTimes(1);
  });

  it('counts a base64 body by its decoded size, padding excluded', async () => {
    const { route, send } = limited();
    const exact = Buffer.alloc(LIMIT, 1).toString('base64'); // 88 characters, two of them padding
    expect(exact.length).toBeGreaterThan(LIMIT);
    await expect(send(exact, true)).resolves.toMatchObject({ statusCode: 200 });
    await expect(send(Buffer.alloc(LIMIT + 1, 1).toString('base64'), true)).rejects.toMatchObject({ status: 413 });
    expect(route).toHaveBeenCalledTimes(1);
  });
});
