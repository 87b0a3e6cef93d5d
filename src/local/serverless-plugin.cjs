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
    const start = () => this.start();
    this.hooks = { 'before:offline:start': start, 'before:offline:start:init': start };
  }

  async start() {
    if (this.stack || this.serverless.getProvider('aws').getStage() !== 'local') return;
    const serviceDir = this.serverless.serviceDir;
    const localDir = path.resolve(serviceDir, process.env.USERS_API_LOCAL_DIR || '.local');
    const { startLocalStack } = requireTs('./local-stack.ts', __filename);
    const offline = this.serverless.service.custom?.['serverless-offline'] ?? {};
    const reservedPorts = [this.options.httpPort, this.options.lambdaPort, offline.httpPort, offline.lambdaPort, 3000, 3002]
      .map(Number)
      .filter(Boolean);
    this.stack = await startLocalStack({ localDir, reservedPorts, log: (message) => this.log.notice(message) });
    const provider = this.serverless.service.provider;
    provider.environment = {
      ...provider.environment,
      SECRETS_ENDPOINT: this.stack.secrets.url,
      // Local functions run on the machine's Node.js 20; in AWS they run on nodejs24.x.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // serverless-offline ends the process itself on SIGINT/SIGTERM; only synchronous work runs then.
    process.once('exit', () => this.stack.stopNow());
  }
}

module.exports = LocalStackPlugin;
