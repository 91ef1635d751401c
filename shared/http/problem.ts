import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** One invalid field: a JSON path into the request and why. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem. Thrown by routes and middlewares; turned into `application/problem+json` by the
 * problem-response middleware. Never carries a stack trace to the client.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** How long a client is asked to wait before it sends a request again that failed on the service's side. */
export const RETRY_AFTER_SECONDS = 30;

/** 503 with Retry-After: the service's side failed (a queue, the store throttling past the SDK's retries). */
export const unavailable = (detail: string) =>
  new HttpProblem(503, 'Service Unavailable', detail, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });

export const problem = (status: number, detail?: string, errors?: FieldError[]) =>
  new HttpProblem(status, TITLES[status] ?? 'Error', detail, errors);

export function problemResponse(p: HttpProblem, instance?: string): APIGatewayProxyStructuredResultV2 {
  const body: Record<string, unknown> = { type: 'about:blank', title: p.title, status: p.status };
  if (p.detail) body.detail = p.detail;
  if (instance) body.instance = instance;
  if (p.errors && p.errors.length > 0) body.errors = p.errors;
  return {
    statusCode: p.status,
    headers: { 'content-type': 'application/problem+json', ...(p.headers ?? {}) },
    body: JSON.stringify(body),
  };
}

/** zod issues → field errors with JSON paths (`exposures[0].share`). */
export function zodFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = '',
): FieldError[] {
  return issues.map((i) => ({
    path:
      i.path.reduce<string>(
        (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
        prefix,
      ) || '(body)',
    message: i.message,
  }));
}
