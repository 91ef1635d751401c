import { describe, expect, it } from 'vitest';
import { BATCH_PARTITIONS, PLATFORM_PARTITIONS, SUPPLIER_PARTITIONS } from '../../infra/stacks/data-store.ts';
import type { PipelineFunction } from '../../infra/stacks/pipeline-function.ts';
import { AGGREGATE_DELTA_PARTITIONS } from '../../shared/store/keys.ts';
import { conditioned, getAtt, partitionsCondition, permissions, permissionTable, resource, synth } from './synth.ts';

/**
 * Least privilege, checked as the complete list of what each function's role may do: any action added to a role
 * (by a grant, a destination or an event source) fails these tests until it is listed here with its reason.
 */
const s = synth({ stage: 'dev' });
const { ingest, score, rescore, rescoreWorker } = s.stack.pipeline;
const { table } = s.stack.platform.data;
const { queues } = s.stack.platform;

const tableArn = JSON.stringify(getAtt(s.id(table)));
/** The table, only for items whose partition key is `POLICY` (revisions, the planned-revision marker). */
const policyItems = conditioned(tableArn, partitionsCondition('POLICY'));
/** The table, only for items whose partition key starts with `RUN#` (rescore runs and their segments). */
const runItems = conditioned(tableArn, partitionsCondition('RUN#*'));
const arn = (c: Parameters<typeof s.id>[0]) => JSON.stringify(getAtt(s.id(c)));
const logs = (f: PipelineFunction) => ({
  'logs:CreateLogStream': [arn(f.logGroup)],
  'logs:PutLogEvents': [arn(f.logGroup)],
});
const xray = { 'xray:PutTelemetryRecords': ['"*"'], 'xray:PutTraceSegments': ['"*"'] };
/** PutEvents on the stage's change bus, for this system's source only (notify.test.ts checks who has it). */
const putChangeEvents = {
  'events:PutEvents': [
    conditioned(arn(s.stack.notifications.bus), { StringEquals: { 'events:source': 'mineral-risk' } }),
  ],
};
const roleOf = (f: PipelineFunction) => permissionTable(permissions(s, s.id(f.role)));
const sorted = (o: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]));

describe('function roles', () => {
  it('carry no managed policies and trust only Lambda', () => {
    for (const f of [ingest, score, rescore, rescoreWorker]) {
      const role = resource(s, f.role).Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
    }
  });

  it('ingest: reads uploads under uploads/ only, writes batch records and rejections, reads batches and stored suppliers, sends score messages', () => {
    const p = roleOf(ingest);
    expect(Object.keys(p).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
        's3:GetObject',
        'kms:Decrypt',
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(p['s3:GetObject']).toHaveLength(1);
    const object = JSON.parse(p['s3:GetObject']?.[0] ?? '{}');
    expect(JSON.stringify(object)).toMatch(/mineral-risk-dev-uploads.*"\/uploads\/\*"\]\]\}$/);
    // Reading an upload decrypts it with the stage key, through S3 only (control-tower.test.ts).
    expect(p['kms:Decrypt']).toEqual([
      conditioned(JSON.stringify(getAtt(s.id(s.stack.platform.key.key))), {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      }),
    ]);
    for (const a of ['PutItem', 'UpdateItem', 'BatchWriteItem']) expect(p[`dynamodb:${a}`]).toEqual([tableArn]);
    // GetItem on the batch record and the stored supplier a workbook merges into: no other partition, never a Scan.
    expect(p['dynamodb:GetItem']).toEqual([
      conditioned(tableArn, partitionsCondition(...BATCH_PARTITIONS, ...SUPPLIER_PARTITIONS)),
    ]);
    expect(p['sqs:SendMessage']).toEqual([arn(queues.failedInvocations), arn(queues.score)].sort());
  });

  it('score: writes suppliers and batch counters, queries policy revisions and portfolio delta logs only, consumes the score queue; no S3, cannot send messages', () => {
    expect(roleOf(score)).toEqual(
      sorted({
        ...logs(score),
        ...xray,
        'dynamodb:GetItem': [tableArn],
        'dynamodb:PutItem': [tableArn],
        'dynamodb:UpdateItem': [tableArn],
        // The live policy timeline (shared/policy/current-reference.ts), and the delta logs of the portfolio
        // aggregates it folds as a batch is counted (shared/portfolio/fold-after-chunk.ts): no supplier partition.
        'dynamodb:Query': [
          policyItems,
          conditioned(tableArn, partitionsCondition(...AGGREGATE_DELTA_PARTITIONS)),
        ].sort(),
        'sqs:ChangeMessageVisibility': [arn(queues.score)],
        'sqs:DeleteMessage': [arn(queues.score)],
        'sqs:GetQueueAttributes': [arn(queues.score)],
        'sqs:GetQueueUrl': [arn(queues.score)],
        'sqs:ReceiveMessage': [arn(queues.score)],
        // The notable changes of what it stored.
        ...putChangeEvents,
      }),
    );
    const actions = Object.keys(roleOf(score));
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('rescore (the planner): policy items and run items only, never a tenant’s; sends segments to the rescore queue', () => {
    expect(PLATFORM_PARTITIONS).toEqual({ policy: 'POLICY', runs: 'RUN#*' });
    expect(roleOf(rescore)).toEqual(
      sorted({
        ...logs(rescore),
        ...xray,
        // plannedRevision and getRun; latestRevision and listRevisions; markPlanned; createRun (run and segments).
        'dynamodb:GetItem': [policyItems, runItems],
        'dynamodb:Query': [policyItems],
        'dynamodb:UpdateItem': [policyItems],
        'dynamodb:PutItem': [runItems],
        'sqs:SendMessage': [arn(queues.failedInvocations), arn(queues.rescore)],
      }),
    );
    const actions = Object.keys(roleOf(rescore));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(roleOf(rescore))).not.toContain('dueForRescore');
  });

  it('rescore worker: scans, reads and updates any item, puts run items and portfolio deltas only, queries policy only; its own queue', () => {
    expect(roleOf(rescoreWorker)).toEqual(
      sorted({
        ...logs(rescoreWorker),
        ...xray,
        // Its segment of the run's parallel scan (every tenant), runs and segments, a supplier after a failed write.
        'dynamodb:Scan': [tableArn],
        'dynamodb:GetItem': [tableArn],
        // A rescored supplier (conditional on its input version), a next change date, the run's done segments.
        'dynamodb:UpdateItem': [tableArn],
        // The segment's progress, page by page, and its portfolio deltas (new items of the tenants' delta logs): it
        // never replaces a supplier.
        'dynamodb:PutItem': [
          runItems,
          conditioned(tableArn, partitionsCondition(...AGGREGATE_DELTA_PARTITIONS)),
        ].sort(),
        'dynamodb:Query': [policyItems],
        // Continuations of its segment, and consuming the rescore queue (event source mapping).
        'sqs:SendMessage': [arn(queues.rescore)],
        'sqs:ChangeMessageVisibility': [arn(queues.rescore)],
        'sqs:DeleteMessage': [arn(queues.rescore)],
        'sqs:GetQueueAttributes': [arn(queues.rescore)],
        'sqs:GetQueueUrl': [arn(queues.rescore)],
        'sqs:ReceiveMessage': [arn(queues.rescore)],
        // The notable changes of what it rescored.
        ...putChangeEvents,
      }),
    );
    const actions = Object.keys(roleOf(rescoreWorker));
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('kms:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(JSON.stringify(roleOf(rescoreWorker))).not.toContain(s.id(queues.score));
  });

  it('limit a statement to partitions only with the key required: ForAllValues alone would also allow a Scan', () => {
    const statements = Object.values(s.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Condition?: Record<string, unknown> }[] })
          .Statement,
    );
    const limited = statements.filter((st) => JSON.stringify(st.Condition ?? {}).includes('dynamodb:LeadingKeys'));
    expect(limited.length).toBeGreaterThanOrEqual(6);
    for (const st of limited) {
      const like = st.Condition?.['ForAllValues:StringLike'] as { 'dynamodb:LeadingKeys': string[] } | undefined;
      expect(st.Condition).toEqual(partitionsCondition(...(like?.['dynamodb:LeadingKeys'] ?? [])));
      expect(([] as unknown[]).concat(st.Action)).not.toContain('dynamodb:Scan');
    }
  });

  it('use no wildcard action, and Resource * only for the X-Ray actions', () => {
    for (const f of [ingest, score, rescore, rescoreWorker]) {
      for (const [action, resources] of Object.entries(roleOf(f))) {
        expect(action).not.toMatch(/\*/);
        if (resources.includes('"*"')) expect(action).toMatch(/^xray:/);
      }
    }
  });

  it('log only to their own log group', () => {
    expect(roleOf(ingest)).toMatchObject(sorted(logs(ingest)));
    expect(roleOf(rescore)).toMatchObject(sorted(logs(rescore)));
    expect(roleOf(rescoreWorker)).toMatchObject(sorted(logs(rescoreWorker)));
  });
});
