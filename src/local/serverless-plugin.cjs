'use strict';

const path = require('node:path');
const { require: requireTs } = require('tsx/cjs/api');

/**
 * Brings up what the `local` stage needs before serverless-offline starts its functions: the
 * database (embedded PostgreSQL unless `.local/secrets/db.json` names another server), its
 * migrations, and a loopback Secrets Manager endpoint. Stopping offline stops the database.
 */
class LocalStackPlugin {
  constructor(serverless, options, { log }) {
    this.serverless = serverless;
    this.options = options;
    this.log = log;
    const start = () =>
      this.start().catch((error) => {
        // Other plugins (the build watcher, the function workers) would keep the process alive
        // after a failed start: say why, and end it.
        this.log.error(error.message);
        process.exit(1);
      });
    this.hooks = { 'before:offline:start': start, 'before:offline:start:init': start };
  }

  async start() {
    if (this.stack || this.serverless.getProvider('aws').getStage() !== 'local') return;
    const serviceDir = this.serverless.serviceDir;
    const localDir = path.resolve(serviceDir, process.env.USERS_API_LOCAL_DIR || '.local');
    const { startLocalStack } = requireTs('./local-stack.ts', __filename);
    const { loopbackAwsEnv } = requireTs('./aws-endpoints.ts', __filename);
    const offline = this.serverless.service.custom?.['serverless-offline'] ?? {};
    const reservedPorts = [this.options.httpPort, this.options.lambdaPort, offline.httpPort, offline.lambdaPort, 3000, 3002]
      .map(Number)
      .filter(Boolean);
    this.stack = await startLocalStack({ localDir, reservedPorts, log: (message) => this.log.notice(message) });
    const provider = this.serverless.service.provider;
    // `.local/secrets` is served as Secrets Manager through the SDK's standard endpoint variable.
    provider.environment = { ...provider.environment, ...loopbackAwsEnv({ SECRETS_MANAGER: this.stack.secrets.url }) };
    // serverless-offline ends the process itself on SIGINT/SIGTERM; only synchronous work runs then.
    process.once('exit', () => this.stack.stopNow());
  }
}

module.exports = LocalStackPlugin;
