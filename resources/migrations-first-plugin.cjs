'use strict';

const { apiFunctions, capitalise } = require('./functions');

/**
 * Orders whatever takes a route's traffic after the release's migrations (resources/release.js), so no new
 * version serves before the schema it expects exists: every Lambda alias, on a stage with canary releases
 * (serverless-plugin-canary-deployments has added them by then); the route functions themselves, which the
 * gateway invokes, on a stage without.
 */
class MigrationsFirstPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.orderAfterMigrations() };
  }

  orderAfterMigrations() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    if (!resources.ReleaseMigrations) return;
    const aliases = Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Alias');
    const routes = aliases.length ? aliases : apiFunctions.map((name) => resources[`${capitalise(name)}LambdaFunction`]).filter(Boolean);
    for (const resource of routes) {
      const dependsOn = [].concat(resource.DependsOn ?? []);
      if (!dependsOn.includes('ReleaseMigrations')) resource.DependsOn = [...dependsOn, 'ReleaseMigrations'];
    }
  }
}

module.exports = MigrationsFirstPlugin;
