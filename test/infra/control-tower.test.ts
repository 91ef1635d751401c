/**
 * AWS Control Tower's proactive controls (cdk-validator-cfnguard) on the synthesized stacks: the plugin is wired
 * into every stage, fails the synth on a violating resource, and passes the real stages, where each violation left
 * is acknowledged on its resource with a reason, and every acknowledgement is needed. Each synth here runs the
 * cfn-guard binary over all the bundled rules (a few seconds).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeControl,
  CONTROL_TOWER_MIN_LOG_RETENTION_DAYS,
  controlAcknowledgementId,
  controlRules,
  controlTowerValidator,
  GUARD_PLUGIN_NAME,
} from '../../infra/stacks/control-tower.ts';
import { defineStage } from '../../infra/stacks/define.ts';
import { CDK_CONTEXT, synth } from './synth.ts';

const GUARD_SECONDS = 60_000;

interface Violation {
  ruleName: string;
  description: string;
  violatingConstructs: { constructPath: string }[];
  acknowledgedId?: string;
  acknowledgedAt?: string;
  reason?: string;
}
interface PluginReport {
  pluginName: string;
  conclusion: 'success' | 'failure';
  violations: Violation[];
  suppressedViolations?: Violation[];
}

/** The Control Tower plugin's part of the validation report the synth wrote into the cloud assembly. */
function guardReport(app: App): PluginReport {
  const file = path.join(app.outdir, 'validation-report.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: PluginReport[] };
  const guard = report.pluginReports.find((r) => r.pluginName === GUARD_PLUGIN_NAME);
  if (!guard) throw new Error(`no ${GUARD_PLUGIN_NAME} report in ${file}`);
  return guard;
}

/** `CT.S3.PR.9` from a violation's description (`[CT.S3.PR.9]: Require …`). */
const controlOf = (v: Violation) => /^\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(v.description)?.[1] ?? v.ruleName;

/** Control Tower acknowledgements in the construct tree: construct path → acknowledgement id. */
function guardAcknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.startsWith(`${GUARD_PLUGIN_NAME}::`))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

describe('the Control Tower rule set', () => {
  it('is every control the package bundles, each found by its control id', () => {
    const rules = controlRules();
    expect(rules.size).toBeGreaterThanOrEqual(200);
    expect(controlTowerValidator().ruleIds).toHaveLength(rules.size);
    expect(rules.get('CT.S3.PR.9')).toBe('s3_bucket_object_lock_enabled_check');
    expect(rules.get('CT.WAF-REGIONAL.PR.1')).toBe('waf_regional_rule_not_empty_check');
    expect(controlAcknowledgementId('CT.SQS.PR.1')).toBe(`${GUARD_PLUGIN_NAME}::sqs_dlq_check`);
    expect(() => acknowledgeControl(new App(), 'CT.S3.PR.99', 'no such control')).toThrow(/CT\.S3\.PR\.99/);
  });
});

describe('a stage with a violating resource', () => {
  it(
    'fails the synth: the plugin reports the unencrypted, unprotected bucket by control and construct path',
    () => {
      const app = new App({ context: { ...CDK_CONTEXT, stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
      // The stage as infra/app.ts defines it, plus a bare bucket: no encryption, no public access block, no logs.
      const stack = defineStage(app);
      new CfnBucket(stack, 'UnencryptedBucket', {});
      expect(() => app.synth()).toThrow(/\[CT\.S3\.PR\.10\][\s\S]*MineralRisk-dev\/UnencryptedBucket/);

      const guard = guardReport(app);
      expect(guard.conclusion).toBe('failure');
      const failing = guard.violations.filter((v) =>
        v.violatingConstructs.some((c) => c.constructPath === 'MineralRisk-dev/UnencryptedBucket'),
      );
      expect(failing.map(controlOf)).toEqual(expect.arrayContaining(['CT.S3.PR.1', 'CT.S3.PR.2', 'CT.S3.PR.10']));
      // Nothing of the stage itself is reported: only the bucket added here fails.
      for (const v of guard.violations)
        expect(v.violatingConstructs.map((c) => c.constructPath)).toEqual(['MineralRisk-dev/UnencryptedBucket']);
    },
    GUARD_SECONDS,
  );
});

/** The controls each stage does not meet, each acknowledged with a reason (docs/operations.md#control-tower). */
const ACKNOWLEDGED = {
  dev: [
    'CT.APIGATEWAY.PR.5',
    'CT.CLOUDWATCH.PR.2',
    'CT.LAMBDA.PR.2',
    'CT.LAMBDA.PR.3',
    'CT.S3.PR.10',
    'CT.S3.PR.11',
    'CT.S3.PR.2',
    'CT.S3.PR.4',
    'CT.S3.PR.9',
    'CT.SQS.PR.1',
  ],
  // prod keeps its logs a year, so CT.CLOUDWATCH.PR.2 is met.
  prod: [
    'CT.APIGATEWAY.PR.5',
    'CT.LAMBDA.PR.2',
    'CT.LAMBDA.PR.3',
    'CT.S3.PR.10',
    'CT.S3.PR.11',
    'CT.S3.PR.2',
    'CT.S3.PR.4',
    'CT.S3.PR.9',
    'CT.SQS.PR.1',
  ],
};

describe.each([
  ['dev', { stage: 'dev' }],
  ['prod', { stage: 'prod', alarmEmail: 'ops@example.com' }],
] as const)('the %s stage', (stage, context) => {
  it(
    'passes: every violation left is acknowledged on its resource, with the control and a specific reason',
    () => {
      const s = synth(context, { controlTower: true }); // throws on any unacknowledged violation
      const guard = guardReport(s.app);
      expect(guard.conclusion).toBe('success');
      expect(guard.violations).toEqual([]);

      const suppressed = guard.suppressedViolations ?? [];
      expect([...new Set(suppressed.map(controlOf))].sort()).toEqual([...ACKNOWLEDGED[stage]].sort());
      for (const v of suppressed) {
        expect(v.reason?.startsWith(`${controlOf(v)}: `), v.reason).toBe(true);
        expect(v.reason?.length ?? 0, v.reason).toBeGreaterThanOrEqual(100);
        // Acknowledged where the resource is, never for a whole stack.
        expect(v.acknowledgedAt?.split('/').length ?? 0).toBeGreaterThanOrEqual(2);
      }

      // Every acknowledgement in the tree matched a violation: none is left over from a fixed resource.
      const used = new Set(suppressed.map((v) => `${v.acknowledgedAt}|${v.acknowledgedId}`));
      const made = guardAcknowledgements(s.app);
      expect(made.length).toBeGreaterThan(0);
      for (const a of made) expect(used, `stale acknowledgement ${a.id} on ${a.path}`).toContain(`${a.path}|${a.id}`);
    },
    GUARD_SECONDS,
  );
});

describe('controls met by fixing the resource, not acknowledged', () => {
  it('log groups encrypted with the stage key, the key rotated, grants for AWS services only: no acknowledgement', () => {
    const fixed = ['CT.CLOUDWATCH.PR.3', 'CT.KMS.PR.1', 'CT.KMS.PR.3'].map(controlAcknowledgementId);
    for (const context of [{ stage: 'dev' }, { stage: 'prod' }]) {
      const ids = guardAcknowledgements(synth(context).app).map((a) => a.id);
      for (const id of fixed) expect(ids).not.toContain(id);
    }
  });

  it('prod keeps its logs at least a year; dev’s shorter retention is acknowledged', () => {
    const prod = synth({ stage: 'prod' });
    const dev = synth({ stage: 'dev' });
    const retention = controlAcknowledgementId('CT.CLOUDWATCH.PR.2');
    expect(prod.stack.platform.config.logRetentionDays).toBeGreaterThanOrEqual(CONTROL_TOWER_MIN_LOG_RETENTION_DAYS);
    expect(guardAcknowledgements(prod.app).map((a) => a.id)).not.toContain(retention);
    // The eight functions' log groups (ingest, score, rescore, rescore-worker, scenario-worker, notifier,
    // portfolio-reconcile, api) and the API's access logs.
    expect(guardAcknowledgements(dev.app).filter((a) => a.id === retention)).toHaveLength(9);
  });
});
