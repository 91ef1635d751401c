import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { MineralRiskError } from './errors.ts';

/**
 * SDK clients for the functions. Throttling (ProvisionedThroughputExceeded, ThrottlingException) and 5xx are
 * retried by the SDK's standard strategy: exponential backoff with full jitter, here up to 8 attempts.
 * `*_ENDPOINT` variables point them at local services (dynalite); unset in AWS.
 */
export const SDK_MAX_ATTEMPTS = 8;

export function dynamoDbClient(endpoint = process.env.DYNAMODB_ENDPOINT): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: SDK_MAX_ATTEMPTS,
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'local', credentials: localCredentials } : {}),
  });
}

export function sqsClient(endpoint = process.env.SQS_ENDPOINT): SQSClient {
  return new SQSClient({
    maxAttempts: SDK_MAX_ATTEMPTS,
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'local', credentials: localCredentials } : {}),
  });
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export class MissingConfigurationError extends MineralRiskError {
  override readonly name = 'MissingConfigurationError';
  readonly retryable = false;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingConfigurationError(`environment variable ${name} is not set`);
  return value;
}
