/**
 * The error answers of the local S3 gate (`s3-gate.ts`), in S3's shape: its status, code and message, and its XML
 * body, so an SDK client or a `fetch` sees what it would see from S3.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { MineralRiskError } from '../../shared/errors.ts';

/** A request S3 would refuse, with the code and message S3 answers and the extra elements of its error body. */
export class S3RequestError extends MineralRiskError {
  override readonly name = 'S3RequestError';
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    // S3 documents 409 ConditionalRequestConflict as "retry the upload"; its 5xx are the service's side.
    this.retryable = status >= 500 || status === 409;
  }
}

/** 403 AccessDenied: S3's answer to an anonymous request for a private bucket, and to several auth refusals. */
export const accessDenied = (message = 'Access Denied', details: Record<string, string> = {}) =>
  new S3RequestError(403, 'AccessDenied', message, details);

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] ?? ch,
  );

/** S3's error document: `<Error><Code/><Message/>…details…<Resource/><RequestId/><HostId/></Error>`. */
export function s3ErrorXml(error: S3RequestError, resource: string, requestId: string, hostId: string): string {
  const elements: [string, string][] = [
    ['Code', error.code],
    ['Message', error.message],
    ...Object.entries(error.details),
    ['Resource', resource],
    ['RequestId', requestId],
    ['HostId', hostId],
  ];
  const body = elements.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${body}</Error>`;
}

/** Answers `error` as S3 does: XML body (none for HEAD), `x-amz-request-id` and `x-amz-id-2` headers. */
export function writeS3Error(res: ServerResponse, method: string, resource: string, error: S3RequestError): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(48).toString('base64');
  const body = method === 'HEAD' ? '' : s3ErrorXml(error, resource, requestId, hostId);
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
  });
  res.end(body);
}
