'use strict';

/**
 * Orders every Lambda alias after the release's migrations (resources/release.js), so no new
 * version takes traffic before the schema it expects exists. It runs after
 * serverless-plugin-canary-deployments has added the aliases to the template.
 */
class MigrationsFirstPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.orderAliases() };
  }

  orderAliases() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    if (!resources.ReleaseMigrations) return;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::Lambda::Alias') continue;
      const dependsOn = [].concat(resource.DependsOn ?? []);
      if (!dependsOn.includes('ReleaseMigrations')) resource.DependsOn = [...dependsOn, 'ReleaseMigrations'];
    }
  }
}

module.exports = MigrationsFirstPlugin;
