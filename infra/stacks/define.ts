import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfig } from '../config.ts';
import { controlTowerValidator } from './control-tower.ts';
import { MineralRiskStack } from './mineral-risk-stack.ts';

/** The CLI profile's account and region (`CDK_DEFAULT_*`), used when the stage configuration names none. */
export interface DefaultEnvironment {
  account?: string;
  region?: string;
}

export const stackId = (stage: string) => `MineralRisk-${stage}`;

/** The rule packs every synth runs: a finding not acknowledged with a reason fails the synth. */
export function nagPacks(app: App) {
  return [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
}

export interface StageOptions {
  /**
   * Run AWS Control Tower's proactive controls (cfn-guard, a few seconds per synth). Default true; test/infra's
   * in-memory synths turn it off, and test/infra/control-tower.test.ts runs it on every stage.
   */
  controlTower?: boolean;
}

/**
 * Adds the stage chosen by context (`-c stage=dev|prod`) to the app, with cdk-nag's AwsSolutions and Serverless
 * packs and AWS Control Tower's proactive controls as validation plugins: a violation of any of them that is not
 * acknowledged with a reason fails the synth.
 */
export function defineStage(app: App, defaults: DefaultEnvironment = {}, options: StageOptions = {}): MineralRiskStack {
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const account = config.account ?? defaults.account;
  const region = config.region ?? defaults.region;
  const stack = new MineralRiskStack(app, stackId(config.stage), {
    config,
    ...(account || region ? { env: { account, region } } : {}),
  });
  Validations.of(app).addPlugins(...nagPacks(app));
  if (options.controlTower !== false) Validations.of(app).addPlugins(controlTowerValidator());
  return stack;
}
