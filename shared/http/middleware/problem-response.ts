import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpProblem, problem, problemResponse } from '../problem.ts';

/**
 * Every error becomes an RFC 9457 problem. Known problems keep their status; anything else is logged by the caller's
 * `onUnexpected` and answered as a bare 500 — no message, no stack trace.
 */
export function problemResponses(
  options: { onUnexpected?: (error: unknown) => void } = {},
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const err = request.error;
      const p = err instanceof HttpProblem ? err : problem(500, 'The service failed to handle this request.');
      if (!(err instanceof HttpProblem)) options.onUnexpected?.(err);
      request.response = problemResponse(p, request.event.rawPath);
    },
  };
}
