/**
 * AWS Control Tower proactive controls, checked on every synth by cdk-validator-cfnguard (the controls' own
 * CloudFormation Guard rules and the cfn-guard binary, bundled in the package): a violation that is not acknowledged
 * with a reason fails the synth, as a cdk-nag finding does. docs/operations.md#control-tower lists the
 * acknowledgements.
 *
 * The plugin reports a violation under the Guard rule's name (`s3_bucket_object_lock_enabled_check`), not the
 * control's id (`CT.S3.PR.9`); `acknowledgeControl` takes the control's id and finds the rule name in the bundled
 * rule files, so an acknowledgement reads as the documentation does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { StageConfig } from '../config.ts';

/** The plugin's name: the namespace of its rule ids in acknowledgements and in the validation report. */
export const GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/** CT.CLOUDWATCH.PR.2 asks log groups to keep their events at least this long (or forever). */
export const CONTROL_TOWER_MIN_LOG_RETENTION_DAYS = 365;

/** cfn-guard's JSON answer lists every rule for every resource, over 0.5 MB for this stack (Node's default: 1 MB). */
const GUARD_OUTPUT_MAX_BYTES = 16 * 1024 * 1024;

const RULES_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard')),
  '..',
  'rules',
  'control-tower',
  'cfn-guard',
);

/**
 * cdk-validator-cfnguard with every bundled Control Tower control enabled, its violations marked as errors.
 *
 * The plugin leaves a violation's severity unset. Once an acknowledgement suppresses part of a report, aws-cdk-lib
 * decides the report's success again from the severities left, and an unset one counts as no error: one
 * acknowledgement anywhere would let every other violation pass (test/infra/control-tower.test.ts fails without it).
 */
class ControlTowerValidator implements IPolicyValidationPlugin {
  private readonly guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: GUARD_OUTPUT_MAX_BYTES });
  /** The plugin's own name, so acknowledgements and reports read `cdk-validator-cfnguard::…`. */
  readonly name = this.guard.name;
  readonly version = this.guard.version;
  readonly ruleIds = this.guard.ruleIds;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.guard.validate(context);
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}

/** All bundled Control Tower controls, every one enabled, as a policy validation plugin. */
export function controlTowerValidator(): IPolicyValidationPlugin {
  return new ControlTowerValidator();
}

let controls: Map<string, string> | undefined;

/** Control id (`CT.S3.PR.9`, from the file `ct-s3-pr-9.guard`) → the Guard rule the plugin reports it under. */
export function controlRules(): ReadonlyMap<string, string> {
  if (controls) return controls;
  controls = new Map();
  // One folder per service, one file per control.
  for (const service of readdirSync(RULES_DIR, { withFileTypes: true })) {
    if (!service.isDirectory()) continue;
    for (const file of readdirSync(path.join(RULES_DIR, service.name))) {
      const match = /^ct-(.+)-pr-(\d+)\.guard$/.exec(file);
      if (!match) continue;
      const text = readFileSync(path.join(RULES_DIR, service.name, file), 'utf8');
      const rule = /^rule (\w+) when is_cfn_template/m.exec(text)?.[1];
      if (!rule) throw new Error(`no CloudFormation rule in ${file}`);
      controls.set(`CT.${match[1]?.toUpperCase()}.PR.${match[2]}`, rule);
    }
  }
  return controls;
}

/** The acknowledgement id of a control: `cdk-validator-cfnguard::{rule name}`. */
export function controlAcknowledgementId(control: string): string {
  const rule = controlRules().get(control);
  if (!rule) throw new Error(`no Control Tower control ${control} in cdk-validator-cfnguard's rules`);
  return `${GUARD_PLUGIN_NAME}::${rule}`;
}

/** Acknowledges a control's violations by `scope` and everything under it, with the reason in the report. */
export function acknowledgeControl(scope: IConstruct, control: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: controlAcknowledgementId(control), reason: `${control}: ${reason}` });
}

/** A log group kept `logRetentionDays`: below a year (dev's 14 days), CT.CLOUDWATCH.PR.2 is acknowledged. */
export function acknowledgeShortLogRetention(logGroup: IConstruct, config: StageConfig): void {
  if (config.logRetentionDays >= CONTROL_TOWER_MIN_LOG_RETENTION_DAYS) return;
  acknowledgeControl(
    logGroup,
    'CT.CLOUDWATCH.PR.2',
    `kept ${config.logRetentionDays} days, the stage's logRetentionDays: a ${config.stage} stage's logs serve debugging, not audit. prod keeps them ${CONTROL_TOWER_MIN_LOG_RETENTION_DAYS} days by default, which meets the control.`,
  );
}
