import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  batchPk,
  deliveriesPk,
  POLICY_PK,
  runPk,
  scenarioJobPk,
  supplierPk,
  webhooksPk,
} from '../../shared/store/keys.ts';
import { TABLE, tableDefinition } from '../../shared/store/table.ts';

/**
 * The partitions that are no tenant's (shared/store/keys.ts): the policy revisions with the planned-revision marker
 * (`POLICY`), and the rescore runs with their segments (`RUN#{runId}`). As `dynamodb:LeadingKeys` patterns.
 */
export const PLATFORM_PARTITIONS = { policy: POLICY_PK, runs: runPk('*') } as const;

/**
 * Every tenant's supplier partitions (`T#{tenant}#S#{supplierId}`: the supplier item and its change records). A batch
 * (`T#{tenant}#B#…`), webhook or aggregate partition never matches: tenant and batch ids hold no `#`.
 */
export const SUPPLIER_PARTITIONS = [supplierPk('*', '*')] as const;

/** Every tenant's batch partitions (`T#{tenant}#B#{batchId}`: the batch record and its rejections). */
export const BATCH_PARTITIONS = [batchPk('*', '*')] as const;

/** Every tenant's scenario jobs (`SCN#{tenant}#{jobId}`): no supplier, batch or other tenant item matches. */
export const SCENARIO_JOB_PARTITIONS = [scenarioJobPk('*', '*')] as const;

/**
 * Every tenant's webhook partitions (shared/store/keys.ts): endpoints with the per-tenant count (`T#{tenant}#WH`)
 * and each endpoint's deliveries (`T#{tenant}#WH#{webhookId}`). As `dynamodb:LeadingKeys` patterns.
 */
export const WEBHOOK_PARTITIONS = [webhooksPk('*'), deliveriesPk('*', '*')] as const;

export interface DataStoreProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
}

type Definition = ReturnType<typeof tableDefinition>;
type KeySchema = readonly { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];

function attribute(def: Definition, name: string) {
  const found = def.AttributeDefinitions.find((a) => a.AttributeName === name);
  if (!found) throw new Error(`table definition: attribute ${name} has no AttributeDefinition`);
  return { name, type: found.AttributeType === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

function keys(def: Definition, schema: KeySchema) {
  const hash = schema.find((k) => k.KeyType === 'HASH');
  const range = schema.find((k) => k.KeyType === 'RANGE');
  if (!hash) throw new Error('table definition: a key schema has no HASH key');
  return {
    partitionKey: attribute(def, hash.AttributeName),
    ...(range ? { sortKey: attribute(def, range.AttributeName) } : {}),
  };
}

/**
 * The one DynamoDB table, built from `tableDefinition()` in shared/store/table.ts (the local runtime creates its
 * dynalite table from the same definition): keys, the indexes with their projections (`byScore` keys
 * only, the tenant's change feed `changes` whole items), on-demand billing. Plus what only AWS
 * has: point-in-time recovery, encryption at rest with the AWS managed key, TTL on `expiresAt`.
 */
export class DataStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const def = tableDefinition(TABLE.logicalName);
    if (def.BillingMode !== 'PAY_PER_REQUEST') throw new Error('table definition: expected on-demand billing');

    const tableProps: TableProps = {
      ...keys(def, def.KeySchema),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    };
    this.table = new Table(this, 'Table', tableProps);
    for (const index of def.GlobalSecondaryIndexes) {
      const projection = index.Projection.ProjectionType as string;
      if (projection !== 'KEYS_ONLY' && projection !== 'ALL')
        throw new Error(`index ${index.IndexName}: expected KEYS_ONLY or ALL, not ${projection}`);
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        ...keys(def, index.KeySchema),
        projectionType: projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }
  }

  /** ARN of one index, for Query permissions scoped to it. */
  indexArn(indexName: string): string {
    return `${this.table.tableArn}/index/${indexName}`;
  }

  /**
   * Allows `actions` on the table; with `partitions`, only on items whose partition key matches one of these
   * patterns (`dynamodb:LeadingKeys`, `*` a wildcard). `ForAllValues` is true of a request that names no partition
   * key at all, such as a Scan, so the statement also requires the key to be present: a Scan is never allowed by it.
   */
  statement(actions: string[], partitions?: readonly string[]): PolicyStatement {
    return new PolicyStatement({
      actions,
      resources: [this.table.tableArn],
      ...(partitions
        ? {
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] },
              Null: { 'dynamodb:LeadingKeys': 'false' },
            },
          }
        : {}),
    });
  }
}
