import { describe, expect, it } from 'vitest';
import type { PipelineFunction } from '../../infra/stacks/pipeline-function.ts';
import { getAtt, permissions, permissionTable, resource, synth } from './synth.ts';

/**
 * Least privilege, checked as the complete list of what each function's role may do: any action added to a role
 * (by a grant, a destination or an event source) fails these tests until it is listed here with its reason.
 */
const s = synth({ stage: 'dev' });
const { ingest, score, rescore } = s.stack.pipeline;
const { table } = s.stack.platform.data;
const { queues } = s.stack.platform;

const tableArn = JSON.stringify(getAtt(s.id(table)));
const arn = (c: Parameters<typeof s.id>[0]) => JSON.stringify(getAtt(s.id(c)));
const logs = (f: PipelineFunction) => ({
  'logs:CreateLogStream': [arn(f.logGroup)],
  'logs:PutLogEvents': [arn(f.logGroup)],
});
const xray = { 'xray:PutTelemetryRecords': ['"*"'], 'xray:PutTraceSegments': ['"*"'] };
const roleOf = (f: PipelineFunction) => permissionTable(permissions(s, s.id(f.role)));
const sorted = (o: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]));

describe('function roles', () => {
  it('carry no managed policies and trust only Lambda', () => {
    for (const f of [ingest, score, rescore]) {
      const role = resource(s, f.role).Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
    }
  });

  it('ingest: reads uploads under uploads/ only, writes batch records and rejections, sends score messages', () => {
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
    expect(p['kms:Decrypt']).toEqual([JSON.stringify(getAtt(s.id(s.stack.platform.key.key)))]);
    for (const a of ['PutItem', 'GetItem', 'UpdateItem', 'BatchWriteItem'])
      expect(p[`dynamodb:${a}`]).toEqual([tableArn]);
    expect(p['sqs:SendMessage']).toEqual([arn(queues.failedInvocations), arn(queues.score)].sort());
  });

  it('score: writes suppliers and batch counters, consumes the score queue; no S3, cannot send messages', () => {
    expect(roleOf(score)).toEqual(
      sorted({
        ...logs(score),
        ...xray,
        'dynamodb:GetItem': [tableArn],
        'dynamodb:PutItem': [tableArn],
        'dynamodb:UpdateItem': [tableArn],
        'sqs:ChangeMessageVisibility': [arn(queues.score)],
        'sqs:DeleteMessage': [arn(queues.score)],
        'sqs:GetQueueAttributes': [arn(queues.score)],
        'sqs:GetQueueUrl': [arn(queues.score)],
        'sqs:ReceiveMessage': [arn(queues.score)],
      }),
    );
    const actions = Object.keys(roleOf(score));
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('rescore: queries the dueForRescore index, reads and scans the table, sends score messages; writes nothing', () => {
    const index = JSON.stringify({ 'Fn::Join': ['', [getAtt(s.id(table)), '/index/dueForRescore']] });
    expect(roleOf(rescore)).toEqual(
      sorted({
        ...logs(rescore),
        ...xray,
        'dynamodb:GetItem': [tableArn],
        'dynamodb:Scan': [tableArn],
        'dynamodb:Query': [index],
        'sqs:SendMessage': [arn(queues.failedInvocations), arn(queues.score)],
      }),
    );
  });

  it('use no wildcard action, and Resource * only for the X-Ray actions', () => {
    for (const f of [ingest, score, rescore]) {
      for (const [action, resources] of Object.entries(roleOf(f))) {
        expect(action).not.toMatch(/\*/);
        if (resources.includes('"*"')) expect(action).toMatch(/^xray:/);
      }
    }
  });

  it('log only to their own log group', () => {
    expect(roleOf(ingest)).toMatchObject(sorted(logs(ingest)));
    expect(roleOf(rescore)).toMatchObject(sorted(logs(rescore)));
  });
});
