'use strict';

/**
 * The API's resources (src/api/registry.ts). jest and tsx read TypeScript themselves; serverless
 * loads this file with Node.js's own require, which does not, so tsx's require reads it then.
 */
function loadRegistry() {
  const registry = '../src/api/registry';
  try {
    return require(registry);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(registry)) throw error;
    return require('tsx/cjs/api').require(`${registry}.ts`, __filename);
  }
}

const { resources } = loadRegistry();

/** Every resource's routes: an API function each, on the database, with the scope of what it does. */
function resourceFunctions() {
  const entries = resources.flatMap((resource) =>
    Object.values(resource.routes).map((route) => [
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
 * The service's functions, listed once. serverless.yml takes its `functions` from here; the IAM,
 * alerting and release resources and the tests derive everything else from the same list.
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
const catalog = Object.freeze({
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
    patterns: ['migrations/**'],
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

/** The resource server that names the scopes (`users-api/users.read`), in Cognito and in the local issuer. */
const resourceServer = 'users-api';
/** Every resource's scopes, with what each lets a caller do. */
const scopes = Object.freeze(Object.assign({}, ...resources.map((resource) => resource.scopeNames)));
/** The user pool's resource server's scopes (resources/auth.yml). */
const resourceServerScopes = Object.entries(scopes).map(([ScopeName, ScopeDescription]) => ({ ScopeName, ScopeDescription }));
/** What an app client of the user pool may ask for: every scope (resources/auth.yml). */
const oauthScopes = Object.keys(scopes).map((scope) => `${resourceServer}/${scope}`);
/** The browser app client's: the signed-in user's identity too. */
const browserOauthScopes = ['openid', 'email', ...oauthScopes];

const names = Object.keys(catalog);
const apiFunctions = names.filter((name) => catalog[name].http);
const databaseFunctions = names.filter((name) => catalog[name].database);
const subscribedFunctions = names.filter((name) => catalog[name].http || catalog[name].subscribed);
const securedFunctions = names.filter((name) => catalog[name].scope);
const idempotentFunctions = names.filter((name) => catalog[name].idempotent);
const capitalise = (name) => name[0].toUpperCase() + name.slice(1);
/** An API function's route key, as API Gateway names it (`GET /api/users`; the catch-all is `$default`). */
const routeKeyOf = (name) => {
  const { http } = catalog[name];
  return http === '*' ? '$default' : `${http.method} ${http.path}`;
};
const handlerModule = (name) => catalog[name].handler.replace(/^src\/handlers\//, '').replace(/\.[^.]+$/, '');

/**
 * The stage's connection budget shared out among the database routes: containers x pool never
 * exceed it. None behind the RDS Proxy, which multiplexes the functions' connections onto its own
 * bounded pool and makes a burst wait there instead of exhausting the cluster.
 */
async function reservedConcurrencyPerRoute(resolveVariable) {
  if (String(await resolveVariable('param:dbProxy')) === 'true') return 0;
  const budget = Number(await resolveVariable('param:dbConnectionBudget'));
  const poolMax = Number(await resolveVariable('param:dbPoolMax'));
  const routes = names.filter((name) => catalog[name].http && catalog[name].database).length;
  return Math.floor(budget / (routes * poolMax));
}

/** The engine, its secret and cluster, and that engine's settings only: what every database function reads. */
async function databaseEnvironment(resolveVariable, spec) {
  const engine = await resolveVariable('param:dbEngine');
  const kind = await resolveVariable('self:custom.kind');
  return {
    ...(await resolveVariable('self:custom.databaseEnvironment')),
    ...(await resolveVariable(`self:custom.engineEnvironment.${engine}`)),
    ...(await resolveVariable(`self:custom.stage.${kind}.database.${engine}`)),
    ...(spec.migrations && (await resolveVariable(`self:custom.stage.${kind}.migrationsDatabase.${engine}`))),
  };
}

/** Whether the stage releases by canary (param canary): CodeDeploy, its application, role and pre-traffic probe. */
async function canaryReleases(resolveVariable) {
  return String(await resolveVariable('param:canary')) === 'true';
}

/** The `functions` block of serverless.yml. */
async function functions({ resolveVariable }) {
  const reservedConcurrency = await reservedConcurrencyPerRoute(resolveVariable);
  const deploymentType = await resolveVariable('param:deploymentType');
  // The local stage has no authorizer: its functions verify the local issuer's tokens themselves.
  const inAws = (await resolveVariable('self:custom.kind')) === 'aws';
  const canary = inAws && (await canaryReleases(resolveVariable));
  const result = {};
  for (const name of names) {
    const spec = catalog[name];
    const fn = { handler: spec.handler, role: `${capitalise(name)}Role` };
    if (spec.timeout) fn.timeout = spec.timeout;
    if (spec.outsideVpc) fn.vpc = false;
    if (spec.patterns) fn.package = { patterns: spec.patterns };
    const environment = {
      ...(spec.environment && (await resolveVariable(spec.environment))),
      ...(spec.database && (await databaseEnvironment(resolveVariable, spec))),
      ...(spec.scope && (await resolveVariable('self:custom.authEnvironment'))),
      ...(spec.idempotent && (await resolveVariable('self:custom.idempotencyEnvironment'))),
    };
    if (Object.keys(environment).length) fn.environment = environment;
    if (spec.http) {
      const authorizer = spec.scope && inAws ? { authorizer: { name: 'userPool', scopes: [`${resourceServer}/${spec.scope}`] } } : {};
      fn.events = [{ httpApi: spec.http === '*' ? spec.http : { ...spec.http, ...authorizer } }];
      if (spec.database && reservedConcurrency > 0) fn.reservedConcurrency = reservedConcurrency;
      if (canary) {
        fn.deploymentSettings = {
          type: deploymentType,
          alias: 'Live',
          preTrafficHook: 'preTraffic',
          // Any of these in alarm during the shift rolls the function back.
          alarms: [`${capitalise(name)}ErrorsAlarm`, `${capitalise(name)}DurationAlarm`],
        };
      }
    }
    result[name] = fn;
  }
  return result;
}

module.exports = {
  catalog,
  names,
  apiFunctions,
  databaseFunctions,
  subscribedFunctions,
  securedFunctions,
  idempotentFunctions,
  resourceServer,
  scopes,
  resourceServerScopes,
  oauthScopes,
  browserOauthScopes,
  capitalise,
  handlerModule,
  routeKeyOf,
  reservedConcurrencyPerRoute,
  canaryReleases,
  functions,
};
