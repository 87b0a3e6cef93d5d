'use strict';

const { names } = require('./functions');
const { stageKind, stageNameProblem } = require('./stage');

/**
 * The stage's name and kind (resources/stage.js), settled before anything is resolved or built: a name AWS
 * cannot take is refused with the reason; a pull request's preview (pr-<number>) takes `params.preview` of
 * serverless.yml where it has no params of its own (the framework lets a plugin add a stage's params, and
 * reads them after plugins load). At package time it says how the stage releases.
 */
class StagePlugin {
  constructor(serverless, options, { log }) {
    this.serverless = serverless;
    this.log = log;
    this.stage = options.stage ?? serverless.service.provider.stage;
    const problem = stageNameProblem(this.stage, { service: serverless.service.service, functionNames: names });
    if (problem) throw new serverless.classes.Error(problem);
    this.kind = stageKind(this.stage);
    const params = serverless.configurationInput?.params;
    if (this.kind === 'preview' && params?.preview && !params[this.stage]) params[this.stage] = params.preview;
    this.hooks = { 'before:package:initialize': () => this.sayHowItReleases() };
  }

  sayHowItReleases() {
    if (this.kind === 'local') return;
    const what = this.kind === 'preview' ? "a pull request's preview, with params.preview" : 'a named stage';
    const gradual = Object.values(this.serverless.service.functions).find((fn) => fn.deploymentSettings)?.deploymentSettings;
    this.log.notice(
      gradual
        ? `Stage ${this.stage} (${what}): canary releases, CodeDeploy shifting each route's traffic ${gradual.type}, ` +
            'after a pre-traffic probe, rolled back on its alarms'
        : `Stage ${this.stage} (${what}): no canary; a release moves every route at once, after the migrations ` +
            '(--param=canary=true asks for canary releases)',
    );
  }
}

module.exports = StagePlugin;
