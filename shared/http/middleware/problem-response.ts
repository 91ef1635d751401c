import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { isRetryable } from '../../errors.ts';
import { HttpProblem, problem, problemResponse, unavailable } from '../problem.ts';

/**
 * Every error becomes an RFC 9457 problem. Known problems keep their status; anything else is logged by the caller's
 * `onUnexpected` and answered with no message and no stack trace: 503 with Retry-After when a retry can help (the
 * store throttling past the SDK's retries, a timeout, a dropped connection), else 500.
 */
export function problemResponses(
  options: { onUnexpected?: (error: unknown) => void } = {},
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const err = request.error;
      const p =
        err instanceof HttpProblem
          ? err
          : isRetryable(err)
            ? unavailable('The service is busy or briefly unavailable: retry later.')
            : problem(500, 'The service failed to handle this request.');
      if (!(err instanceof HttpProblem)) options.onUnexpected?.(err);
      request.response = problemResponse(p, request.event.rawPath);
    },
  };
}
