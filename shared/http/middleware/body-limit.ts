import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { problem } from '../problem.ts';

/** Refuse bodies above `maxBytes` with 413 before any route parses them. */
export function bodyLimit(maxBytes: number): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: async (request) => {
      const body = request.event.body;
      if (!body) return;
      const bytes = Buffer.byteLength(body, request.event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes > maxBytes)
        throw problem(
          413,
          `request body is ${bytes} bytes; the limit is ${maxBytes} (use a presigned upload for larger files)`,
        );
    },
  };
}
