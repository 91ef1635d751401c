/**
 * Synthesizes a stage in memory, as the CDK CLI would (cdk.json's context, feature flags included), without
 * bundling the functions ('aws:cdk:bundling-stacks': []) and without CDK's built-in CloudFormation schema
 * validation (several seconds of WebAssembly per synth; `npm run synth` and bundle.test.ts run it); the cdk-nag
 * packs run in every synth, the Control Tower controls (cfn-guard, seconds per synth) only with `controlTower`
 * (control-tower.test.ts). One synth per stage and context, shared by a test file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { defineStage } from '../../infra/stacks/define.ts';
import type { MineralRiskStack } from '../../infra/stacks/mineral-risk-stack.ts';
import { REPO_ROOT } from '../../infra/stacks/pipeline-function.ts';

export const CDK_CONTEXT = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface Synth {
  app: App;
  stack: MineralRiskStack;
  template: Template;
  /** Logical ID of a construct's CloudFormation resource (an L2's default child). */
  id(construct: IConstruct): string;
}

const cache = new Map<string, Synth>();

export function synth(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; controlTower?: boolean } = {},
): Synth {
  const key = JSON.stringify([context, options]);
  const hit = cache.get(key);
  if (hit) return hit;
  const app = new App({
    builtinCloudFormationValidation: options.bundle === true,
    context: { ...CDK_CONTEXT, ...context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stack = defineStage(app, {}, { controlTower: options.controlTower === true });
  const template = Template.fromStack(stack);
  const id = (construct: IConstruct) => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return Stack.of(construct).getLogicalId(element);
  };
  const result = { app, stack, template, id };
  cache.set(key, result);
  return result;
}

/** `{ "Fn::GetAtt": [id, attribute] }` */
export const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const ref = (logicalId: string) => ({ Ref: logicalId });

export type Resource = { Type: string; Properties: Record<string, unknown>; [k: string]: unknown };

export function resource(s: Synth, construct: IConstruct): Resource {
  const found = s.template.toJSON().Resources[s.id(construct)] as Resource | undefined;
  if (!found) throw new Error(`no resource ${s.id(construct)} in the template`);
  return found;
}

/**
 * A resource as `permissions` lists it: its JSON, followed by ` when {condition JSON}` if its statement has a
 * condition, so a condition is part of what a test compares.
 */
export const conditioned = (resourceJson: string, condition?: unknown) =>
  condition === undefined ? resourceJson : `${resourceJson} when ${JSON.stringify(condition)}`;

/** The condition of a statement limited to items of these partitions (infra/stacks/data-store.ts `statement`). */
export const partitionsCondition = (...patterns: string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns },
  Null: { 'dynamodb:LeadingKeys': 'false' },
});

/**
 * Everything a role may do: action → the resources it is allowed on (each as JSON, with its statement's condition:
 * `conditioned`), from every AWS::IAM::Policy attached to the role and the role's inline policies. Fails on Deny or
 * NotAction statements (none are expected).
 */
export function permissions(s: Synth, roleLogicalId: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (statement: Record<string, unknown>) => {
    if (statement.Effect !== 'Allow' || statement.NotAction || statement.NotResource)
      throw new Error(`unexpected statement ${JSON.stringify(statement)}`);
    const actions = ([] as unknown[]).concat(statement.Action) as string[];
    const resources = ([] as unknown[]).concat(statement.Resource);
    for (const action of actions) {
      const set = out.get(action) ?? new Set<string>();
      for (const r of resources) set.add(conditioned(JSON.stringify(r), statement.Condition));
      out.set(action, set);
    }
  };
  const resources = s.template.toJSON().Resources as Record<string, Resource>;
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties.Roles ?? []) as unknown[];
    if (!roles.some((x) => JSON.stringify(x) === JSON.stringify(ref(roleLogicalId)))) continue;
    for (const st of (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement) add(st);
  }
  const role = resources[roleLogicalId];
  for (const p of (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Record<string, unknown>[] } }[])
    for (const st of p.PolicyDocument.Statement) add(st);
  return out;
}

/** The same map with plain arrays, sorted, for `toEqual`. */
export function permissionTable(map: Map<string, Set<string>>): Record<string, string[]> {
  return Object.fromEntries([...map.entries()].sort().map(([a, r]) => [a, [...r].sort()]));
}
