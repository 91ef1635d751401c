import { Aws, Duration, Fn, type RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { uploadKey } from '../../shared/uploads/key.ts';
import type { StageConfig } from '../config.ts';
import { acknowledgeControl } from './control-tower.ts';
import type { StageKey } from './stage-key.ts';

/** Every upload key starts with it (`uploads/{tenant}/{batchId}.csv|json`, shared/uploads/key.ts). */
export const UPLOAD_PREFIX = `${uploadKey('tenant', 'batch').split('/')[0]}/`;
/** A deleted or overwritten access log stays recoverable this long (the access-logs bucket is versioned). */
export const ACCESS_LOG_NONCURRENT_DAYS = 30;

export interface UploadsProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  /** Empty the buckets on stack deletion (dev), so the stack deletes cleanly. */
  autoDeleteObjects: boolean;
  /** Encrypts the uploads (SSE-KMS). */
  key: StageKey;
}

/**
 * The uploads bucket (supplier lists under `uploads/`, written through presigned URLs) and the bucket of its server
 * access logs. Both: public access blocked, TLS 1.2+ required by policy, ACLs disabled, lifecycle expiry. The
 * uploads are encrypted with the stage's KMS key (SSE-KMS, S3 Bucket Key); the access logs with SSE-S3, the only
 * default encryption AWS supports for a server access log destination, and versioned, so a deleted log can be recovered for a while.
 *
 * The uploads bucket's name is fixed from the stage prefix, account and region, so the ingest function's policy and
 * its invoke permission can name the bucket before it exists: S3 checks that it may invoke the function when the
 * notification is created, so the bucket must depend on the permission, and the permission cannot then depend on
 * the bucket. The notification is plain CloudFormation (`NotificationConfiguration`), with no custom resource.
 */
export class Uploads extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  /** `{prefix}-uploads-{account}-{region}`, resolved by CloudFormation; no reference to the bucket resource. */
  readonly bucketName: string;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
    const { config } = props;
    this.prefix = config.prefix;
    this.bucketName = Fn.join('-', [`${config.prefix}-uploads`, Aws.ACCOUNT_ID, Aws.REGION]);
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      // AWS supports SSE-S3, not SSE-KMS, as the default encryption of a server access log destination.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(config.accessLogExpiryDays) },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(ACCESS_LOG_NONCURRENT_DAYS),
          expiredObjectDeleteMarker: true,
        },
      ],
    });

    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      bucketName: this.bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'uploads-bucket/',
      lifecycleRules: [
        {
          id: 'expire-raw-uploads',
          prefix: UPLOAD_PREFIX,
          expiration: Duration.days(config.uploadExpiryDays),
        },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Browsers PUT to presigned URLs; the URL's signature, not CORS, decides what may be written.
      ...(config.uploadCorsOrigins.length > 0
        ? {
            cors: [
              {
                allowedMethods: [HttpMethods.PUT],
                allowedOrigins: config.uploadCorsOrigins,
                allowedHeaders: ['*'],
                exposedHeaders: ['ETag'],
                maxAge: 3000,
              },
            ],
          }
        : {}),
    });

    this.acknowledgeControls(props.autoDeleteObjects);
  }

  /** The Control Tower controls these buckets do not meet, each with its reason (docs/operations.md#control-tower). */
  private acknowledgeControls(autoDeleteObjects: boolean): void {
    for (const bucket of [this.bucket, this.accessLogs])
      acknowledgeControl(
        bucket,
        'CT.S3.PR.9',
        'no S3 Object Lock: raw uploads must be deletable when they expire (uploadExpiryDays) or the stack is destroyed, and S3 cannot deliver server access logs to a bucket with Object Lock.',
      );
    acknowledgeControl(
      this.bucket,
      'CT.S3.PR.11',
      'not versioned: every upload key is written once (presigned PUT with If-None-Match: *, one object per batch claimed by its ETag), so there is no overwrite to undo; the scores and rejections of record are in the table (point-in-time recovery); and noncurrent versions would keep a raw upload beyond the uploadExpiryDays after which the stack promises it is gone.',
    );
    acknowledgeControl(
      this.accessLogs,
      'CT.S3.PR.2',
      'this is the server access log bucket itself: logging it would log its own log deliveries (AWS advises against it) or need a third bucket with the same question.',
    );
    acknowledgeControl(
      this.accessLogs,
      'CT.S3.PR.4',
      'nothing reacts to a log delivery: an event per access-log object would notify no one. The uploads bucket, whose objects start ingest, has its notification.',
    );
    acknowledgeControl(
      this.accessLogs,
      'CT.S3.PR.10',
      'AWS documents SSE-S3 (AES256) as the only default encryption supported on a bucket that receives S3 server access logs, SSE-KMS not. The logs are encrypted at rest with SSE-S3.',
    );
    // CDK's own function that empties the buckets when a dev stack is destroyed (not in prod).
    const provider = autoDeleteObjects
      ? Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider')
      : undefined;
    if (provider)
      acknowledgeControl(
        provider,
        'CT.LAMBDA.PR.3',
        "CDK's function that empties the buckets when a dev stack is destroyed: it calls only the S3 API, and exists only where retainData is false.",
      );
  }

  /** `arn:…:s3:::{bucket}` built from the name alone (no reference to the bucket resource). */
  get bucketArn(): string {
    return Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: this.bucketName });
  }

  /** ARN pattern of the objects under a key prefix, e.g. `uploads/`. */
  objectsArn(prefix: string): string {
    return Stack.of(this).formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: this.bucketName,
      resourceName: `${prefix}*`,
    });
  }

  /** `objectsArn(prefix)` as cdk-nag prints it in a finding id (tokens shown as `<AWS::AccountId>`). */
  nagObjectsArn(prefix: string): string {
    // The partition is a literal once the stack's region is known (`@aws-cdk/core:enablePartitionLiterals`).
    const partition = Stack.of(this).partition;
    const shown = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
    return `arn:${shown}:s3:::${this.prefix}-uploads-<AWS::AccountId>-<AWS::Region>/${prefix}*`;
  }

  /** Object created under `uploads/` → invoke the function (asynchronously). */
  notifyOnUpload(fn: IFunction): void {
    const permission = new CfnPermission(this, 'UploadNotificationPermission', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 's3.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: this.bucketArn,
    });
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      lambdaConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          function: fn.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: UPLOAD_PREFIX }] } },
        },
      ],
    };
    cfnBucket.addResourceDependency(permission);
    acknowledgeControl(
      permission,
      'CT.LAMBDA.PR.2',
      "the permission that lets S3 invoke ingest is scoped: principal s3.amazonaws.com, SourceAccount this account and SourceArn the uploads bucket. CloudFormation builds both from pseudo parameters (Ref AWS::AccountId, Fn::Join), which the rule cannot read (the plugin's documented limit), so it reports no source.",
    );
  }
}
