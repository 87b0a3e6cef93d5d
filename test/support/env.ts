import { serviceName } from '../../src/api/service';
import { testAuthEnv } from './auth';
import { testCondition, underTest } from '../../scripts/test-conditions.cjs';

// The service the tests stand on has their own resource (test/fixtures/api/), in every process they start too.
if (!underTest()) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${testCondition}`.trim();

// What serverless.yml gives every function: the service's name.
process.env.SERVICE_NAME ??= serviceName;
// Tests assert on responses and counts; set POWERTOOLS_LOG_LEVEL=DEBUG to see the functions' logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The functions' EMF records (Powertools Metrics) would go to the test's stdout; test/e2e/metrics.test.ts reads them from sls offline.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// In-process functions verify tokens of the tests' own issuer; requests carry one unless a test says otherwise.
for (const [name, value] of Object.entries({ ...testAuthEnv(), IDEMPOTENCY_TABLE: `${serviceName}-test-idempotency` }))
  process.env[name] ??= value;
