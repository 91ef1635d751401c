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

/** Every upload key starts with it (`uploads/{tenant}/{batchId}.csv|json`, shared/uploads/key.ts). */
export const UPLOAD_PREFIX = `${uploadKey('tenant', 'batch').split('/')[0]}/`;

export interface UploadsProps {
  config: StageConfig;
  removalPolicy: RemovalPolicy;
  /** Empty the buckets on stack deletion (dev), so the stack deletes cleanly. */
  autoDeleteObjects: boolean;
}

/**
 * The uploads bucket (supplier lists under `uploads/`, written through presigned URLs) and the bucket of its server
 * access logs. Both: public access blocked, TLS 1.2+ required by policy, SSE-S3 encryption, ACLs disabled,
 * lifecycle expiry.
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
      // Server access logs can only be delivered to an SSE-S3 bucket; the uploads bucket uses the same.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(config.accessLogExpiryDays) }],
    });

    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      bucketName: this.bucketName,
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
  }
}
