import { Aws, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface StageKeyProps {
  prefix: string;
  /** Retain the key with the data it encrypts (prod), or let it be scheduled for deletion with the stack (dev). */
  removalPolicy: RemovalPolicy;
}

/**
 * The stage's customer managed KMS key. It encrypts the uploads bucket (SSE-KMS with an S3 Bucket Key, so S3 calls
 * KMS about once per object key per day rather than per request) and every log group of the stage, which Control
 * Tower's CT.S3.PR.10 and CT.CLOUDWATCH.PR.3 ask for: reading an upload then takes both an S3 and a KMS permission,
 * and deleting the key makes the data unreadable.
 *
 * The key policy keeps the account's administration of the key (CDK's default), lets CloudWatch Logs use the key for
 * this account's log groups in this region, and denies creating grants except for AWS services on a principal's
 * behalf (CT.KMS.PR.3). The key rotates yearly (CT.KMS.PR.1).
 */
export class StageKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: StageKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `${props.prefix}: uploads bucket and log groups`,
      alias: `alias/${props.prefix}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const { partition } = Stack.of(this);
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccountAndRegion',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  }

  /**
   * Lets a role use the key through S3 only, for the uploads bucket: `kms:GenerateDataKey` to write objects,
   * `kms:Decrypt` to read them.
   */
  grantThroughS3(role: IGrantable, actions: ('kms:GenerateDataKey' | 'kms:Decrypt')[]): void {
    role.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
