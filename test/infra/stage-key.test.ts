/**
 * The stage's KMS key (infra/stacks/stage-key.ts): what it encrypts, its policy, and who may use it for what.
 */
import { describe, expect, it } from 'vitest';
import { getAtt, resource, synth } from './synth.ts';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Condition?: unknown; Principal?: unknown };

describe.each([
  ['dev', { stage: 'dev' }, 'Delete'],
  ['prod', { stage: 'prod' }, 'Retain'],
] as const)('stage key, %s', (_stage, context, deletionPolicy) => {
  const s = synth(context);
  const key = s.stack.platform.key.key;
  const keyArn = getAtt(s.id(key));
  const props = resource(s, key).Properties;

  it('rotates yearly, has the stage’s alias, and stays with retained data', () => {
    expect(props.EnableKeyRotation).toBe(true);
    expect(resource(s, key).DeletionPolicy).toBe(deletionPolicy);
    s.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: `alias/${s.stack.platform.config.prefix}`,
      TargetKeyId: keyArn,
    });
    expect(s.template.toJSON().Outputs.StageKeyArn.Value).toEqual(keyArn);
  });

  it('lets CloudWatch Logs use it for this account’s log groups, and AWS services alone create grants', () => {
    const statements = (props.KeyPolicy as { Statement: Statement[] }).Statement;
    const logs = statements.find((st) => st.Sid === 'CloudWatchLogsOfThisAccountAndRegion');
    expect(logs).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
    });
    expect(JSON.stringify(logs?.Condition)).toContain(':log-group:*');
    expect(JSON.stringify(logs?.Condition)).toContain('AWS::AccountId');
    expect(statements.find((st) => st.Sid === 'GrantsOnlyForAwsServices')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  it('encrypts every log group of the stage', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'));
    // The eight functions' (ingest, score, rescore, rescore-worker, scenario-worker, notifier, portfolio-reconcile, api)
    // and the API's
    // access logs.
    expect(groups).toHaveLength(9);
    for (const g of groups) expect(g.Properties.KmsKeyId).toEqual(keyArn);
  });

  it('is used by two roles only, through S3 only: ingest decrypts uploads, the API encrypts them', () => {
    const uses = Object.entries(s.template.findResources('AWS::IAM::Policy')).flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as (Statement & { Resource: unknown })[])
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')))
        .map((st) => ({ id, ...st })),
    );
    const ingestPolicy = s.id(s.stack.pipeline.ingest.role.node.findChild('DefaultPolicy'));
    const apiPolicy = s.id(s.stack.api.function.role.node.findChild('DefaultPolicy'));
    const viaS3 = {
      StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
    };
    expect(uses).toEqual(
      expect.arrayContaining([
        { id: ingestPolicy, Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: viaS3 },
        { id: apiPolicy, Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: keyArn, Condition: viaS3 },
      ]),
    );
    expect(uses).toHaveLength(2);
  });
});
