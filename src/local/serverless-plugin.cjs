'use strict';

const os = require('node:os');
const path = require('node:path');
const { require: requireTs } = require('tsx/cjs/api');

/**
 * Brings up what the `local` stage needs before serverless-offline starts its functions: the
 * database (embedded PostgreSQL unless `.local/secrets/db.json` names another server; the local
 * MongoDB-protocol server on the DocumentDB engine), its migrations or index steps, a loopback Secrets Manager endpoint, the local token issuer's JWKS, and DynamoDB
 * Local with the idempotency table. Stopping offline stops them.
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
    const localDir = path.resolve(serviceDir, process.env.LOCAL_STACK_DIR || '.local');
    const { startLocalStack } = requireTs('./local-stack.ts', __filename);
    const offline = this.serverless.service.custom?.['serverless-offline'] ?? {};
    const reservedPorts = [this.options.httpPort, this.options.lambdaPort, offline.httpPort, offline.lambdaPort, 3000, 3002]
      .map(Number)
      .filter(Boolean);
    // The stage's engine as serverless.yml resolved it (`--param=dbEngine=documentdb`: npm run start:documentdb).
    const engine = this.serverless.service.custom?.databaseEnvironment?.DB_ENGINE;
    // Whatever the start has begun (a database, DynamoDB Local) stops with this process: on a failed start, and on a
    // signal before serverless-offline listens for one, which would otherwise end the process and leave them running.
    const { signalStartedProcesses } = requireTs('./started-processes.ts', __filename);
    process.once('exit', signalStartedProcesses);
    const endDuringStart = (signal) => {
      signalStartedProcesses();
      process.exit(128 + os.constants.signals[signal]);
    };
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, endDuringStart);
    try {
      this.stack = await startLocalStack({ localDir, reservedPorts, engine, log: (message) => this.log.notice(message) });
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM']) process.removeListener(signal, endDuringStart);
    }
    const provider = this.serverless.service.provider;
    // Secrets Manager and DynamoDB through the SDK's standard endpoint variables, and the local token issuer.
    provider.environment = { ...provider.environment, ...this.stack.functionEnv };
    // serverless-offline ends the process itself on SIGINT/SIGTERM; only synchronous work runs then.
    process.once('exit', () => this.stack.stopNow());
  }
}

module.exports = LocalStackPlugin;
