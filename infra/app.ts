/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). One stage per synth: `npx cdk deploy -c stage=prod`.
 * See docs/operations.md.
 */
import { App } from 'aws-cdk-lib';
import { defineStage } from './stacks/define.ts';

const app = new App();
defineStage(app, { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
app.synth();
