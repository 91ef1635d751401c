/**
 * The limits that keep one tenant's traffic from starving the others (docs/operations.md#tenant-fairness), as
 * synthesized: reserved concurrency of the pipeline functions, consistent with the score queue's event source
 * mapping, and the HTTP API's stage and route throttles.
 */
import { describe, expect, it } from 'vitest';
import { defaultRouteThrottles, loadConfig, STAGE_DEFAULTS, WHOLE_TABLE_ADMIN_ROUTES } from '../../infra/config.ts';
import { ROUTES, type RouteDef, routeKey } from '../../shared/http/routes.ts';
import { NOTIFY_QUEUE_SETTINGS } from '../../shared/notify/settings.ts';
import { QUEUE_SETTINGS, RESCORE_QUEUE_SETTINGS, SCENARIO_QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { resource, synth } from './synth.ts';

const load = (context: Record<string, unknown>) => loadConfig((key) => context[key]);
const reserved = (s: ReturnType<typeof synth>, fn: Parameters<typeof resource>[1]) =>
  resource(s, fn).Properties.ReservedConcurrentExecutions;

describe.each(['dev', 'prod'] as const)('reserved concurrency, %s', (stage) => {
  const s = synth({ stage });
  const { ingest, score, rescore, rescoreWorker } = s.stack.pipeline;
  const mappings = Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping'));
  const mappingOf = (fn: typeof score) =>
    mappings.find((m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: s.id(fn.fn) }));
  const mapping = mappingOf(score);

  it('score reserves exactly what its event source mapping may use, so the mapping is never throttled', () => {
    const max = (mapping?.Properties.ScalingConfig as { MaximumConcurrency: number } | undefined)?.MaximumConcurrency;
    expect(max).toBe(QUEUE_SETTINGS.maxConcurrency);
    expect(reserved(s, score.fn)).toBe(STAGE_DEFAULTS[stage].reservedConcurrency.score);
    expect(reserved(s, score.fn)).toBe(max);
  });

  it('the rescore worker reserves exactly what the rescore queue’s mapping may use: 8 segments at once', () => {
    const max = (mappingOf(rescoreWorker)?.Properties.ScalingConfig as { MaximumConcurrency: number } | undefined)
      ?.MaximumConcurrency;
    expect(max).toBe(RESCORE_QUEUE_SETTINGS.maxConcurrency);
    expect(reserved(s, rescoreWorker.fn)).toBe(STAGE_DEFAULTS[stage].reservedConcurrency.rescoreWorker);
    expect(reserved(s, rescoreWorker.fn)).toBe(max);
  });

  it('the scenario worker reserves exactly what the scenario queue’s mapping may use', () => {
    const worker = s.stack.scenarios.worker;
    const max = (mappingOf(worker)?.Properties.ScalingConfig as { MaximumConcurrency: number } | undefined)
      ?.MaximumConcurrency;
    expect(max).toBe(SCENARIO_QUEUE_SETTINGS.maxConcurrency);
    expect(reserved(s, worker.fn)).toBe(STAGE_DEFAULTS[stage].reservedConcurrency.scenarioWorker);
    expect(reserved(s, worker.fn)).toBe(max);
  });

  it('rescore runs one at a time; ingest and the API share the unreserved pool', () => {
    expect(reserved(s, rescore.fn)).toBe(1);
    expect(reserved(s, ingest.fn)).toBeUndefined();
    expect(reserved(s, s.stack.api.function.fn)).toBeUndefined();
  });
});

describe('reserved concurrency settings', () => {
  it('merge function by function; null leaves a function unreserved', () => {
    const c = load({ stage: 'prod', mineralRisk: { prod: { reservedConcurrency: { ingest: 20, rescore: null } } } });
    expect(c.reservedConcurrency).toEqual({
      ingest: 20,
      score: QUEUE_SETTINGS.maxConcurrency,
      rescore: null,
      rescoreWorker: RESCORE_QUEUE_SETTINGS.maxConcurrency,
      scenarioWorker: SCENARIO_QUEUE_SETTINGS.maxConcurrency,
      notifier: NOTIFY_QUEUE_SETTINGS.maxConcurrency,
    });
    const s = synth({ stage: 'dev', mineralRisk: { dev: { reservedConcurrency: { ingest: 5, rescore: null } } } });
    expect(reserved(s, s.stack.pipeline.ingest.fn)).toBe(5);
    expect(reserved(s, s.stack.pipeline.rescore.fn)).toBeUndefined();
  });

  it('refuse a score reservation below the event source mapping’s maximum concurrency, and non-positive values', () => {
    const bad: [unknown, RegExp][] = [
      [{ score: QUEUE_SETTINGS.maxConcurrency - 1 }, /maxConcurrency[\s\S]*reservedConcurrency\.score/],
      [
        { rescoreWorker: RESCORE_QUEUE_SETTINGS.maxConcurrency - 1 },
        /rescore queue's maxConcurrency[\s\S]*reservedConcurrency\.rescoreWorker/,
      ],
      [
        { scenarioWorker: SCENARIO_QUEUE_SETTINGS.maxConcurrency - 1 },
        /scenario queue's maxConcurrency[\s\S]*reservedConcurrency\.scenarioWorker/,
      ],
      [{ rescore: 0 }, /reservedConcurrency\.rescore/],
      [{ ingest: 1.5 }, /reservedConcurrency\.ingest/],
      [{ api: 5 }, /api/],
    ];
    for (const [reservedConcurrency, message] of bad)
      expect(
        () => load({ mineralRisk: { dev: { reservedConcurrency } } }),
        JSON.stringify(reservedConcurrency),
      ).toThrow(message);
    expect(load({ mineralRisk: { dev: { reservedConcurrency: { score: null } } } }).reservedConcurrency.score).toBe(
      null,
    );
  });
});

const keyOf = (id: string) => routeKey((ROUTES as readonly RouteDef[]).find((r) => r.id === id) as RouteDef);

describe.each(['dev', 'prod'] as const)('API throttles, %s', (stage) => {
  const s = synth({ stage });
  const api = STAGE_DEFAULTS[stage].api;
  const props = resource(s, s.stack.api.stage).Properties;

  it('every route shares the stage’s default throttle', () => {
    expect(props.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: api.throttle.rateLimit,
      ThrottlingBurstLimit: api.throttle.burstLimit,
    });
  });

  it('the expensive routes have lower limits of their own, by route key', () => {
    expect(Object.keys(api.routeThrottles).sort()).toEqual(
      ['createBatch', 'portfolioExposure', 'scenario', 'score', ...WHOLE_TABLE_ADMIN_ROUTES].sort(),
    );
    const expected = Object.fromEntries(
      Object.entries(api.routeThrottles).map(([id, t]) => [
        keyOf(id),
        { ThrottlingRateLimit: t?.rateLimit, ThrottlingBurstLimit: t?.burstLimit },
      ]),
    );
    expect(props.RouteSettings).toEqual(expected);
    for (const t of Object.values(api.routeThrottles)) {
      expect(t?.rateLimit).toBeLessThan(api.throttle.rateLimit);
      expect(t?.burstLimit).toBeLessThan(api.throttle.burstLimit);
    }
  });

  it('the stage is created after the routes it names (API Gateway refuses settings for unknown route keys)', () => {
    const dependsOn = resource(s, s.stack.api.stage).DependsOn as string[];
    for (const id of Object.keys(api.routeThrottles))
      expect(dependsOn).toContain(s.id(s.stack.api.routes.get(id) as never));
  });
});

describe('operator routes', () => {
  const operator = (ROUTES as readonly RouteDef[]).filter((r) => r.operator);

  it('are the /v1/admin/ routes, all risk/admin', () => {
    expect(operator.length).toBeGreaterThanOrEqual(10);
    expect(operator.map((r) => r.path.startsWith('/v1/admin/'))).not.toContain(false);
    expect(new Set(operator.map((r) => r.scope))).toEqual(new Set(['risk/admin']));
    const adminPaths = (ROUTES as readonly RouteDef[]).filter((r) => r.path.startsWith('/v1/admin/'));
    expect(adminPaths.map((r) => r.id)).toEqual(operator.map((r) => r.id));
  });

  it('those that read the whole table (a run, the run list) have a route limit far below the stage’s; the rest the stage’s', () => {
    const byId = new Map(operator.map((r) => [r.id, r]));
    for (const id of WHOLE_TABLE_ADMIN_ROUTES) expect(byId.has(id), id).toBe(true);
    // Every operator route that writes starts a run (a parallel scan of every tenant's suppliers); of the reads,
    // the run list scans the table.
    const writes = operator.filter((r) => r.method !== 'GET').map((r) => r.id);
    const reads = WHOLE_TABLE_ADMIN_ROUTES.filter((id) => byId.get(id)?.method === 'GET');
    expect(reads).toEqual(['listRescoreRuns']);
    expect(new Set([...writes, ...reads])).toEqual(new Set(WHOLE_TABLE_ADMIN_ROUTES));
    for (const stage of ['dev', 'prod'] as const) {
      const api = STAGE_DEFAULTS[stage].api;
      for (const id of WHOLE_TABLE_ADMIN_ROUTES)
        expect(api.routeThrottles[id], `${stage} ${id}`).toEqual({
          rateLimit: api.throttle.rateLimit / 250,
          burstLimit: Math.max(1, Math.floor(api.throttle.burstLimit / 250)),
        });
      // Revision histories and one run's progress (polled by `npm run policy -- … --wait`) read one partition.
      for (const r of operator.filter((x) => !(WHOLE_TABLE_ADMIN_ROUTES as readonly string[]).includes(x.id)))
        expect(api.routeThrottles[r.id as keyof typeof api.routeThrottles], `${stage} ${r.id}`).toBeUndefined();
    }
    expect(STAGE_DEFAULTS.prod.api.routeThrottles.putPolicyEvent).toEqual({ rateLimit: 2, burstLimit: 4 });
    expect(STAGE_DEFAULTS.dev.api.routeThrottles.putPolicyEvent).toEqual({ rateLimit: 0.2, burstLimit: 1 });
  });
});

describe('route throttle settings', () => {
  const withRoutes = (routeThrottles: unknown) => ({
    stage: 'prod',
    mineralRisk: { prod: { api: { routeThrottles } } },
  });

  it('merge route by route, and reach the template', () => {
    const c = load(
      withRoutes({ scenario: { rateLimit: 2, burstLimit: 4 }, getSupplier: { rateLimit: 100, burstLimit: 200 } }),
    );
    expect(c.api.routeThrottles).toEqual({
      ...STAGE_DEFAULTS.prod.api.routeThrottles,
      scenario: { rateLimit: 2, burstLimit: 4 },
      getSupplier: { rateLimit: 100, burstLimit: 200 },
    });
    const s = synth(withRoutes({ getSupplier: { rateLimit: 100, burstLimit: 200 } }));
    expect(
      (resource(s, s.stack.api.stage).Properties.RouteSettings as Record<string, unknown>)[keyOf('getSupplier')],
    ).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
  });

  it('default to shares of the stage’s throttle, so lowering the stage’s lowers them', () => {
    for (const stage of ['dev', 'prod'] as const)
      expect(STAGE_DEFAULTS[stage].api.routeThrottles).toEqual(
        defaultRouteThrottles(STAGE_DEFAULTS[stage].api.throttle),
      );
    const c = load({ stage: 'prod', mineralRisk: { prod: { api: { throttle: { rateLimit: 20, burstLimit: 30 } } } } });
    expect(c.api.routeThrottles).toEqual({
      scenario: { rateLimit: 0.4, burstLimit: 1 },
      portfolioExposure: { rateLimit: 0.4, burstLimit: 1 },
      score: { rateLimit: 4, burstLimit: 6 },
      createBatch: { rateLimit: 0.8, burstLimit: 1 },
      ...Object.fromEntries(WHOLE_TABLE_ADMIN_ROUTES.map((id) => [id, { rateLimit: 0.08, burstLimit: 1 }])),
    });
  });

  it('refuse unknown routes and limits above the stage’s', () => {
    const bad: [unknown, RegExp][] = [
      [{ nosuchRoute: { rateLimit: 1, burstLimit: 1 } }, /routeThrottles/],
      [{ score: { rateLimit: 501, burstLimit: 10 } }, /only be lower[\s\S]*routeThrottles\.score/],
      [{ score: { rateLimit: 10, burstLimit: 1001 } }, /routeThrottles\.score/],
      [{ score: { rateLimit: 10 } }, /routeThrottles\.score/],
    ];
    for (const [routeThrottles, message] of bad)
      expect(() => load(withRoutes(routeThrottles)), JSON.stringify(routeThrottles)).toThrow(message);
  });
});
