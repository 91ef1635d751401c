/**
 * Scenario jobs on one machine: the scenario queue (on disk under `dataDir` like the other queues) with the real
 * scenario worker attached, over the runtime's dynalite table and live policy timeline — the same handler, use cases
 * and adapters as in AWS.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createScenarioWorkerHandler } from '../../functions/scenario-worker/handler.ts';
import type { CurrentReference } from '../../shared/policy/current-reference.ts';
import type { PolicyRevisionStore } from '../../shared/policy/port.ts';
import { SCENARIO_QUEUE_SETTINGS, SCENARIO_WORKER_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import { RevisionReference } from '../../shared/scenarios/revision-reference.ts';
import { DynamoDbScenarioJobs } from '../../shared/store/scenario-jobs.ts';
import { DynamoDbTenantSupplierScan } from '../../shared/store/scenario-scan.ts';
import { openLocalQueue } from './durable-queue.ts';
import type { LocalQueue } from './queue.ts';

export interface LocalScenarios {
  jobs: DynamoDbScenarioJobs;
  queue: LocalQueue;
  /** Tests lower it to run small tenants as jobs (default SCENARIO.inlineMaxSuppliers). */
  inlineMaxSuppliers?: number;
}

export async function startLocalScenarios(o: {
  client: DynamoDBClient;
  tableName: string;
  current: CurrentReference;
  policy: PolicyRevisionStore;
  dataDir: string | undefined;
  timeScale: number;
  inlineMaxSuppliers: number | undefined;
}): Promise<LocalScenarios> {
  const jobs = new DynamoDbScenarioJobs(o.client, o.tableName);
  const queue = await openLocalQueue(
    {
      name: 'mineral-risk-scenario',
      settings: SCENARIO_QUEUE_SETTINGS,
      timeScale: o.timeScale,
      functionName: 'mineral-risk-scenario-worker',
      functionTimeoutSeconds: SCENARIO_WORKER_TIMEOUT_SECONDS,
    },
    o.dataDir,
  );
  queue.attach(
    createScenarioWorkerHandler({
      jobs,
      scan: new DynamoDbTenantSupplierScan(o.client, o.tableName),
      reference: new RevisionReference(o.current, o.policy, baselineTimeline),
      now: () => new Date(),
    }),
  );
  return { jobs, queue, ...(o.inlineMaxSuppliers !== undefined ? { inlineMaxSuppliers: o.inlineMaxSuppliers } : {}) };
}
