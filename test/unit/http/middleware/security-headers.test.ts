/** security-headers alone: no-store, nosniff and HSTS on every response, success or error, keeping the route's own. */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../../infra/local/lambda-context.ts';
import { securityHeaders } from '../../../../shared/http/middleware/security-headers.ts';
import { apiEvent, toResponse } from '../../../helpers/api-events.ts';

const EXPECTED = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

const event = () => apiEvent({ method: 'GET', path: '/health' });

describe('securityHeaders', () => {
  it('adds the headers to a success response and keeps the route’s headers', async () => {
    const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', location: '/v1/x' },
      body: '{}',
    })).use(securityHeaders());
    const r = toResponse(await h(event(), lambdaContext('api')));
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ ...EXPECTED, 'content-type': 'application/json', location: '/v1/x' });
  });

  it('adds them to a response without headers (204)', async () => {
    const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(async () => ({ statusCode: 204 })).use(
      securityHeaders(),
    );
    expect(toResponse(await h(event(), lambdaContext('api'))).headers).toEqual(EXPECTED);
  });

  it('adds them to the error response a later error middleware made', async () => {
    const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(async () => {
      throw new Error('boom');
    })
      .use(securityHeaders())
      .use({
        onError: async (request) => {
          request.response = { statusCode: 500, headers: { 'content-type': 'application/problem+json' }, body: '{}' };
        },
      });
    const r = toResponse(await h(event(), lambdaContext('api')));
    expect(r.status).toBe(500);
    expect(r.headers).toMatchObject({ ...EXPECTED, 'content-type': 'application/problem+json' });
  });

  it('leaves an error without a response an error', async () => {
    const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(async () => {
      throw new Error('boom');
    }).use(securityHeaders());
    await expect(h(event(), lambdaContext('api'))).rejects.toThrow('boom');
  });
});
