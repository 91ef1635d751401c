/**
 * The init benchmark's floor: a Lambda bundle that only imports the DynamoDB client and constructs one at module
 * scope, bundled exactly as the functions are (bench/init.ts). A function's import time is compared with this.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async () => ({ region: await client.config.region() });
