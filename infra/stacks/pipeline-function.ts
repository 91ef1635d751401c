import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type IDestination, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { acknowledgeControl, acknowledgeShortLogRetention } from './control-tower.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node.js 24 is the newest runtime aws-cdk-lib 2.276 offers (cdk-nag's LambdaLatestVersion rule asks for it). The
 * bundles target node20, so the very same code runs on this machine's Node 20 and in Lambda.
 */
export const RUNTIME = Runtime.NODEJS_24_X;
export const BUNDLE_TARGET = 'node20';

/** ESM bundles have no `require`; CommonJS dependencies bundled into them call it (e.g. for Node built-ins). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** One bundle per function, by the esbuild in node_modules (never Docker). */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: BUNDLE_TARGET,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Bundle the pinned AWS SDK instead of whichever version the runtime ships.
  bundleAwsSDK: true,
  externalModules: [],
  forceDockerBundling: false,
} satisfies BundlingOptions;

export interface PipelineFunctionProps {
  config: StageConfig;
  /** Folder under functions/ holding `handler.ts`, which exports `handler`; also the function name suffix. */
  name: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  removalPolicy: RemovalPolicy;
  /** Encrypts the function's log group (the stage's key). */
  logKey: IKey;
  /** Asynchronous invocations only (S3, EventBridge, `--invocation-type Event`). */
  async?: { retryAttempts: number; maxEventAge: Duration; onFailure: IDestination };
  /** Reserved concurrency (`config.reservedConcurrency`); null or absent: the account's unreserved pool. */
  reservedConcurrency?: number | null;
}

/**
 * One Lambda function of the system, as every function here is deployed: bundled by local esbuild (no Docker) into
 * one minified ESM file with a source map, arm64, X-Ray active tracing, its own log group with the stage's
 * retention, Powertools settings in the environment, and its own role that starts with nothing but writing its
 * logs and traces; each caller grants exactly the actions the function's code uses.
 */
export class PipelineFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { config } = props;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: props.removalPolicy,
    });
    acknowledgeShortLogRetention(this.logGroup, config);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${config.prefix}-${props.name}: only the actions its code uses`,
    });
    // Only CreateLogStream and PutLogEvents, on this function's log group: no managed policy, no wildcard.
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      functionName: `${config.prefix}-${props.name}`,
      description: props.description,
      entry: path.join(REPO_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      projectRoot: REPO_ROOT,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency != null ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: config.prefix,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces through the source map instead of minified positions.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...(props.async
        ? {
            retryAttempts: props.async.retryAttempts,
            maxEventAge: props.async.maxEventAge,
            onFailure: props.async.onFailure,
          }
        : {}),
      bundling: BUNDLING,
    });

    acknowledgeControl(
      this.fn,
      'CT.LAMBDA.PR.3',
      'not in a VPC: the function reaches nothing private, only AWS APIs (DynamoDB, SQS, S3, X-Ray) over TLS with its IAM role. A VPC would add NAT gateways or interface endpoints to pay for and operate, and protect no resource.',
    );

    // X-Ray's PutTraceSegments and PutTelemetryRecords, added by `tracing: ACTIVE`, have no resource-level form.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) use Resource *: X-Ray does not support resource-level permissions for them.',
    });
  }
}

/** CloudWatch namespace of the functions' Powertools metrics (EMF); the service dimension is the stage prefix. */
export const METRICS_NAMESPACE = 'MineralRisk';
