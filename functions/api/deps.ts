import type { AuthContextOptions } from '../../shared/http/middleware/auth-context.ts';
import type { ScoreQueue } from '../../shared/queue/port.ts';
import type { ReferenceData } from '../../shared/reference/index.ts';
import type { SupplierStore } from '../../shared/store/port.ts';
import type { UploadWriter } from '../../shared/uploads/port.ts';

/** What the API's routes use: ports, reference data, configuration. Built from env in AWS, by the local server here. */
export interface ApiDeps {
  store: SupplierStore;
  queue: ScoreQueue;
  uploads: UploadWriter;
  uploadBucket: string;
  ref: ReferenceData;
  auth: AuthContextOptions;
  /** Inline batch uploads above this go through a presigned URL (default 5 MB). */
  maxInlineBytes: number;
  today: () => string;
  now: () => Date;
  /** The OpenAPI document served at /openapi.json. */
  openapi: () => unknown;
}

export interface ApiRequest {
  event: import('aws-lambda').APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** Set for every authenticated route: the tenant from the verified token. */
  tenant: string;
}
