import type { ResourceRoute } from '../lib/resource/resource';
import { migrationDirs, resources } from './registry';
import { serviceName } from './service';

/** What a function is, as serverless.yml, the IAM, alerting and release resources, and the contract read it. */
export interface FunctionSpec {
  handler: string;
  http?: { method: string; path: string } | '*';
  database?: boolean;
  migrations?: boolean;
  subscribed?: boolean;
  outsideVpc?: boolean;
  timeout?: number;
  patterns?: string[];
  environment?: string;
  /** `<resource>.read` or `<resource>.write`. */
  scope?: string;
  idempotent?: boolean;
  /** The route's own gateway limits: requests per second, and at once. */
  throttle?: { rate: number; burst: number };
}

/** Every resource's routes: an API function each, on the database, with the scope of what it does. */
function resourceFunctions(): Record<string, FunctionSpec> {
  const entries = resources.flatMap((resource) =>
    Object.values<ResourceRoute>(resource.routes).map((route): [string, FunctionSpec] => [
      route.functionName,
      {
        handler: route.handler,
        http: { method: route.method, path: route.path },
        database: true,
        scope: route.scope,
        ...(route.idempotent && { idempotent: true }),
        ...(route.throttle && { throttle: route.throttle }),
      },
    ]),
  );
  return Object.fromEntries(entries);
}

/** The gateway's limits of the routes that serve the contract and its docs page: requests per second, and at once. */
const docsThrottle = Object.freeze({ rate: 20, burst: 40 });

/**
 * The service's functions, listed once. serverless.yml takes its `functions` from here (through
 * resources/functions.js); the IAM, alerting and release resources, the contract and the tests
 * derive everything else from the same list.
 *
 * - `http`: an API route. The function gets a `Live` alias that API Gateway invokes, a canary
 *   deployment group, alarms, and a subscription of its log group to `alerts`.
 * - `database`: reads the database secret and runs in the VPC (every API function runs there).
 * - `migrations`: logs in as the master user instead, and makes the functions' own login.
 * - `subscribed`: a non-API function whose errors alert too (`migrate`).
 * - `outsideVpc`: needs AWS APIs or the internet rather than the database.
 * - `scope`: the scope a caller's access token must hold; API Gateway's authorizer checks it, and
 *   the function again (its handler declares the same scope). Such functions get the token
 *   issuer's settings in their environment.
 * - `idempotent`: accepts an Idempotency-Key; the function gets the idempotency table, and may use it.
 * - `environment`: a variable naming the function's own environment, beyond the provider's.
 * - `throttle`: the route's own gateway limits, `{ rate, burst }`, in place of the stage's (resources/gateway.js).
 *
 * Each resource's routes (src/api/registry.ts) are functions too, named and scoped by its declaration.
 */
export const catalog: Readonly<Record<string, FunctionSpec>> = Object.freeze({
  healthLive: { handler: 'src/handlers/health-live.handler', http: { method: 'GET', path: '/api/health/live' } },
  healthReady: { handler: 'src/handlers/health-ready.handler', http: { method: 'GET', path: '/api/health/ready' }, database: true },
  health: { handler: 'src/handlers/health.handler', http: { method: 'GET', path: '/api/health' }, database: true },
  ...resourceFunctions(),
  // The API's contract and its rendering; no token needed. Anyone may fetch them, and each answer is large (the renderer
  // is 359 KB): a limit of their own bounds what a scraper costs, far above what the people reading them need.
  openapi: {
    handler: 'src/handlers/openapi.handler',
    http: { method: 'GET', path: '/api/openapi.json' },
    environment: 'self:custom.contractEnvironment',
    throttle: docsThrottle,
  },
  docs: { handler: 'src/handlers/docs.handler', http: { method: 'GET', path: '/api/docs' }, throttle: docsThrottle },
  docsAssets: { handler: 'src/handlers/docs-assets.handler', http: { method: 'GET', path: '/api/docs/{file}' }, throttle: docsThrottle },
  notFound: { handler: 'src/handlers/not-found.handler', http: '*' },
  // Applies migrations/ to the cluster; the release runs it before any new version takes traffic.
  migrate: {
    handler: 'src/handlers/migrate.handler',
    database: true,
    migrations: true,
    subscribed: true,
    timeout: 300,
    patterns: ['migrations/**', ...migrationDirs.map((folder) => `${folder}/**`)],
  },
  // Turns the API functions' error logs into grouped, rate-limited email and Slack messages.
  alerts: { handler: 'src/handlers/alerts.handler', outsideVpc: true, timeout: 30, environment: 'self:custom.alertsEnvironment' },
  // A CloudFormation custom resource ordered before the aliases: runs `migrate` and fails the release if it fails.
  releaseMigrations: { handler: 'src/handlers/release-migrations.handler', outsideVpc: true, timeout: 330 },
  // CodeDeploy's pre-traffic hook: probes the new version before it takes traffic.
  preTraffic: { handler: 'src/handlers/pre-traffic.handler', outsideVpc: true, timeout: 60 },
  // A CloudFormation custom resource: fetches the user pool's JWKS at deploy, for the functions that verify tokens.
  userPoolKeys: { handler: 'src/handlers/user-pool-keys.handler', outsideVpc: true, timeout: 30 },
});

/** The resource server that names the scopes (`<service>/<resource>.read`), in Cognito and in the local issuer: the service's name. */
export const resourceServer = serviceName;
