import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};

/** Scores are per tenant and time-sensitive: never cached by intermediaries; no content sniffing; HSTS. */
export function securityHeaders(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const apply = async (request: middy.Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>) => {
    const r = request.response;
    if (r && typeof r === 'object') {
      const structured = r as APIGatewayProxyStructuredResultV2;
      structured.headers = { ...HEADERS, ...(structured.headers ?? {}) };
    }
  };
  return { after: apply, onError: apply };
}
