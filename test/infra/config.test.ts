import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError, loadConfig, STAGE_DEFAULTS } from '../../infra/config.ts';

const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
>;

const load = (context: Record<string, unknown>) => loadConfig((key) => context[key]);

describe('stage configuration', () => {
  it('defaults to dev, which can be destroyed cleanly', () => {
    const c = load({});
    expect(c).toMatchObject({ stage: 'dev', prefix: 'mineral-risk-dev', retainData: false, deletionProtection: false });
    expect(c.alarmEmail).toBeUndefined();
  });

  it('reads the stage from cdk.json, where dev is the default', () => {
    expect(CDK_CONTEXT.stage).toBe('dev');
    expect(CDK_CONTEXT.mineralRisk).toEqual({ dev: {}, prod: {} });
    expect(load(CDK_CONTEXT).stage).toBe('dev');
  });

  it('prod keeps its data', () => {
    expect(load({ stage: 'prod' })).toMatchObject({
      stage: 'prod',
      retainData: true,
      deletionProtection: true,
      logRetentionDays: STAGE_DEFAULTS.prod.logRetentionDays,
    });
    expect(() => load({ stage: 'prod', mineralRisk: { prod: { retainData: false } } })).toThrow(/prod keeps its data/);
    expect(() => load({ stage: 'prod', mineralRisk: { prod: { deletionProtection: false } } })).toThrow(
      InvalidConfigError,
    );
  });

  it('takes per-stage overrides from cdk.json, nested settings key by key, and string settings from -c', () => {
    const c = load({
      stage: 'prod',
      alarmEmail: 'ops@example.com',
      logLevel: 'WARN',
      mineralRisk: { prod: { logRetentionDays: 365, memoryMb: { score: 2048 } }, dev: { logRetentionDays: 1 } },
    });
    expect(c).toMatchObject({
      alarmEmail: 'ops@example.com',
      logLevel: 'WARN',
      logRetentionDays: 365,
      memoryMb: { ...STAGE_DEFAULTS.prod.memoryMb, score: 2048 },
    });
  });

  it('rejects what CloudFormation or the stack would reject later, naming the setting', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ stage: 'staging' }, /stage.*dev, prod/],
      [{ alarmEmail: 'not-an-email' }, /alarmEmail/],
      [{ logLevel: 'TRACE' }, /logLevel/],
      [{ mineralRisk: { dev: { logRetentionDays: 10 } } }, /logRetentionDays/],
      [{ mineralRisk: { dev: { memoryMb: { score: 64 } } } }, /memoryMb/],
      [{ mineralRisk: { dev: { timeoutSeconds: { ingest: 901 } } } }, /timeoutSeconds/],
      [{ mineralRisk: { dev: { prefix: 'Mineral_Risk' } } }, /prefix/],
      [{ mineralRisk: { dev: { rescoreSchedule: 'every day' } } }, /rescoreSchedule/],
      [{ mineralRisk: { dev: { rescoreOldestMessageAlarmSeconds: 30 } } }, /rescoreOldestMessageAlarmSeconds/],
      [{ mineralRisk: { dev: { memoryMb: { rescoreWorker: 64 } } } }, /memoryMb/],
      [{ mineralRisk: { dev: { uploadCorsOrigins: ['app.example.com'] } } }, /uploadCorsOrigins/],
      [{ mineralRisk: { dev: { account: '123' } } }, /account/],
      [{ mineralRisk: { dev: { unknownSetting: true } } }, /unknownSetting/],
      [{ mineralRisk: { dev: [] } }, /must be an object/],
    ];
    for (const [context, message] of bad) expect(() => load(context), JSON.stringify(context)).toThrow(message);
  });
});
