import fs from 'node:fs';
import path from 'node:path';
import { fresh } from '../../test/support/fresh';
import type * as Metrics from './metrics';
import { serviceName } from '../../test/support/names';

/** The module loaded afresh with `env`, as a cold start does: the Metrics instance is made at load. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (env: Record<string, string | undefined>) => fresh(() => require('./metrics') as typeof Metrics, env);

/** One EMF record, as CloudWatch would read it from the logs. */
function record(module: typeof Metrics) {
  module.count(module.metricNames.secretFetch, 2);
  module.milliseconds(module.metricNames.databaseRoundTrip, 3);
  const emf = module.metrics.serializeMetrics() as unknown as {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
    [key: string]: unknown;
  };
  return { ...emf._aws.CloudWatchMetrics[0]!, values: emf };
}

describe('metrics', () => {
  it('writes to the UsersApi namespace, with the service and the stage as dimensions', () => {
    const emf = record(load({ POWERTOOLS_METRICS_NAMESPACE: undefined, STAGE: 'staging', SERVICE_NAME: serviceName }));
    expect(emf.Namespace).toBe('UsersApi');
    expect(emf.Dimensions).toEqual([['service', 'stage']]);
    expect(emf.values).toMatchObject({ service: serviceName, stage: 'staging', SecretFetches: 2, DatabaseRoundTrip: 3 });
    expect(emf.Metrics).toEqual([
      { Name: 'SecretFetches', Unit: 'Count' },
      { Name: 'DatabaseRoundTrip', Unit: 'Milliseconds' },
    ]);
  });

  it("takes Powertools' namespace variable where a stage sets one", () => {
    expect(record(load({ POWERTOOLS_METRICS_NAMESPACE: 'Elsewhere' })).Namespace).toBe('Elsewhere');
  });

  it('writes exactly the metrics docs/deploying.md documents, each under one name', () => {
    const { metricNames } = load({});
    const written = JSON.stringify(metricNames)
      .match(/"[A-Z]\w+"/g)!
      .map((name) => name.slice(1, -1));
    const readme = fs.readFileSync(path.join(__dirname, '../../docs/deploying.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| Metric '), readme.indexOf('\n\n', readme.indexOf('| Metric ')));
    const documented = [...table.matchAll(/`(\w+)`/g)].map((match) => match[1]!).filter((name) => name !== 'ColdStart');
    expect([...written].sort()).toEqual([...documented].sort());
    expect(new Set(written).size).toBe(written.length);
    expect(Object.isFrozen(metricNames)).toBe(true);
  });
});
