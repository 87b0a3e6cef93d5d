'use strict';

/** The service's functions and resources (src/api/functions.ts, src/api/registry.ts), listed there once. */
const { loadTypeScript } = require('./typescript');

const { resources } = loadTypeScript('../src/api/registry');
const { catalog, resourceServer } = loadTypeScript('../src/api/functions');
const { serviceName } = loadTypeScript('../src/api/service');
const { databaseNamesOf } = loadTypeScript('../src/lib/storage/database-names');

/** The database's names, from the service's: serverless.yml's defaults of the params databaseName and databaseMasterUsername. */
const { database: databaseName, master: databaseMasterUsername, login: databaseLogin } = databaseNamesOf(serviceName);

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
/** An API function's route key, as API Gateway names it (`GET /api/orders`; the catch-all is `$default`). */
const routeKeyOf = (name) => {
  const { http } = catalog[name];
  return http === '*' ? '$default' : `${http.method} ${http.path}`;
};
const handlerModule = (name) => catalog[name].handler.replace(/\.[^.]+$/, '');

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
  serviceName,
  databaseName,
  databaseMasterUsername,
  databaseLogin,
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
