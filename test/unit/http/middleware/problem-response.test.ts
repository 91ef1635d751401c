/**
 * problem-response alone: a thrown HttpProblem becomes its RFC 9457 body with its status and headers; anything else
 * becomes a bare 503 with Retry-After when a retry can help, else a bare 500, with nothing of the error in it, and is
 * handed to `onUnexpected`.
 */
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../../../infra/local/lambda-context.ts';
import { MineralRiskError } from '../../../../shared/errors.ts';
import { problemResponses } from '../../../../shared/http/middleware/problem-response.ts';
import { HttpProblem, problem } from '../../../../shared/http/problem.ts';
import { apiEvent, toResponse } from '../../../helpers/api-events.ts';

function wrapped(fail: () => unknown, onUnexpected?: (error: unknown) => void) {
  const h = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>(async () => {
    throw fail();
  }).use(problemResponses(onUnexpected ? { onUnexpected } : {}));
  return async (path = '/v1/things/1') => toResponse(await h(apiEvent({ method: 'GET', path }), lambdaContext('api')));
}

describe('problemResponses', () => {
  it('answers a thrown problem with its status as application/problem+json, with the field errors and instance', async () => {
    const r = await wrapped(() =>
      problem(422, 'some fields are invalid', [{ path: 'exposures[0].mineral', message: "unknown mineral 'x'" }]),
    )('/v1/suppliers/s-1');
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.json).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'some fields are invalid',
      instance: '/v1/suppliers/s-1',
      errors: [{ path: 'exposures[0].mineral', message: "unknown mineral 'x'" }],
    });
  });

  it('keeps the headers a problem carries (Allow on 405) and leaves out empty errors', async () => {
    const r = await wrapped(() => new HttpProblem(405, 'Method Not Allowed', 'no', [], { allow: 'GET, PUT' }))();
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, PUT');
    expect(r.json).not.toHaveProperty('errors');
  });

  for (const [label, thrown] of [
    ['an Error', () => new Error('connect ECONNREFUSED 10.0.0.7:8000 at /var/task/functions/api/handler.ts:42:7')],
    ['a TypeError', () => new TypeError("Cannot read properties of undefined (reading 'tenant')")],
    ['a string', () => 'secret-token-value'],
    ['undefined', () => undefined],
  ] as const) {
    it(`answers ${label} as a bare 500: no message, no stack, no path — and reports it to onUnexpected`, async () => {
      const seen = vi.fn();
      const error = thrown();
      const r = await wrapped(() => error, seen)();
      expect(r.status).toBe(500);
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(Object.keys(r.json).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
      expect(r.json).toMatchObject({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
      expect(r.text).not.toMatch(/ECONNREFUSED|secret|Cannot read|\.ts:\d+|\bat \S+ \(|\/var\/task/);
      if (error instanceof Error) expect(r.text).not.toContain(error.stack?.split('\n')[1]?.trim() ?? '');
      expect(seen).toHaveBeenCalledTimes(1);
      expect(seen).toHaveBeenCalledWith(error);
    });
  }

  class Retryable extends MineralRiskError {
    readonly retryable = true;
  }
  class NotRetryable extends MineralRiskError {
    readonly retryable = false;
  }
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });
  const meta = { httpStatusCode: 400, attempts: 8, totalRetryDelay: 9000 };

  for (const [label, thrown] of [
    [
      'DynamoDB throttling past the SDK retries',
      () => new ProvisionedThroughputExceededException({ message: 'secret throughput', $metadata: meta }),
    ],
    [
      'a DynamoDB 500',
      () => new InternalServerError({ message: 'secret internal', $metadata: { ...meta, httpStatusCode: 500 } }),
    ],
    ['a dropped connection', () => withCode('read ECONNRESET secret', 'ECONNRESET')],
    ['a timeout', () => named('TimeoutError', 'secret: socket timed out')],
    ['a retryable error of ours', () => new Retryable('secret: the queue refused')],
    ['an error caused by throttling', () => new Error('secret wrap', { cause: named('ThrottlingException', 'x') })],
  ] as const) {
    it(`answers ${label} as a bare 503 with Retry-After, and reports it to onUnexpected`, async () => {
      const seen = vi.fn();
      const error = thrown();
      const r = await wrapped(() => error, seen)();
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('30');
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.json).toMatchObject({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
      expect(r.text).not.toMatch(/secret|ECONNRESET|Throttl|Exception|\.ts:\d+/);
      expect(seen).toHaveBeenCalledWith(error);
    });
  }

  for (const [label, thrown] of [
    ['a failed condition', () => new ConditionalCheckFailedException({ message: 'no', $metadata: meta })],
    [
      'a request DynamoDB refuses',
      () => named('ValidationException', 'Provided list of item keys contains duplicates'),
    ],
    ['an error of ours that a retry cannot help', () => new NotRetryable('bad input')],
    ['an abort', () => named('AbortError', 'aborted')],
  ] as const) {
    it(`answers ${label} as a 500: a retry would fail the same way`, async () => {
      const r = await wrapped(thrown)();
      expect(r.status).toBe(500);
      expect(r.headers['retry-after']).toBeUndefined();
    });
  }

  it('does not report known problems as unexpected', async () => {
    const seen = vi.fn();
    const r = await wrapped(() => problem(404, 'no supplier'), seen)();
    expect(r.status).toBe(404);
    expect(seen).not.toHaveBeenCalled();
  });
});
