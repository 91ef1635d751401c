import { Validations } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARD_PLUGIN_NAME } from '../../infra/stacks/control-tower.ts';
import { nagPacks } from '../../infra/stacks/define.ts';
import { synth } from './synth.ts';

/** Records each acknowledgement cdk-nag relies on, to find acknowledgements that no longer match a finding. */
const used = new Set<string>();
type Internal = { isAcknowledged(node: IConstruct, ruleId: string): boolean };
const proto = NagPack.prototype as unknown as Internal;
const original = proto.isAcknowledged;
proto.isAcknowledged = function (node, ruleId) {
  const acknowledged = original.call(this, node, ruleId);
  if (acknowledged) {
    for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
      if (acknowledgementsOn(c).some((a) => a.id === ruleId)) {
        used.add(`${c.node.path}|${ruleId}`);
        break;
      }
    }
  }
  return acknowledged;
};
afterAll(() => {
  proto.isAcknowledged = original;
});

/** cdk-nag's acknowledgements on a construct (control-tower.test.ts checks the Control Tower ones). */
function acknowledgementsOn(c: IConstruct): { id: string; reason: string }[] {
  return c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) =>
      Object.entries(m.data as Record<string, string>).map(([k, reason]) => ({
        id: k.replace(/^annotation::/i, ''),
        reason,
      })),
    )
    .filter((a) => !a.id.startsWith(`${GUARD_PLUGIN_NAME}::`));
}

const stages = {
  dev: { stage: 'dev' },
  'prod with alarm email': { stage: 'prod', alarmEmail: 'ops@example.com' },
  'prod without alarm email': { stage: 'prod' },
};

describe.each(Object.entries(stages))('cdk-nag, %s', (_name, context) => {
  const s = synth(context);
  const findings = nagPacks(s.app).flatMap((pack) =>
    pack.validateScope(s.app).violations.map((v) => ({
      rule: v.ruleName,
      resources: v.violatingResources.map((r) => r.constructPath),
    })),
  );

  it('AwsSolutions and Serverless report no unacknowledged finding', () => {
    expect(findings).toEqual([]);
  });

  it('every acknowledgement names one rule (and finding) precisely, gives a specific reason, and is needed', () => {
    const all = s.app.node.findAll().flatMap((c) => acknowledgementsOn(c).map((a) => ({ ...a, path: c.node.path })));
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) {
      expect(a.id).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$/);
      expect(a.reason.length, a.id).toBeGreaterThanOrEqual(80);
      expect(used, `stale acknowledgement ${a.id} on ${a.path}`).toContain(`${a.path}|${a.id}`);
    }
  });

  it('acknowledges only these rules', () => {
    const ids = new Set(
      s.app.node.findAll().flatMap((c) => acknowledgementsOn(c).map((a) => a.id.replace(/\[.*$/, ''))),
    );
    expect([...ids].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM5',
        'AwsSolutions-SQS3',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaEventSourceMappingDestination',
        'Serverless-SQSRedrivePolicy',
        ...('alarmEmail' in context ? ['Serverless-SNSRedrivePolicy'] : []),
      ].sort(),
    );
  });
});
