import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string[] }
  >;
  Outputs?: Record<string, unknown>;
}

/** `sls package` for a stage with no AWS credentials at all (of the project at `cwd`); resolves with the generated template. */
export async function packageStage(
  stage: string,
  params: string[] = [],
  cwd = root,
): Promise<{ template: Template; dir: string; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `api-package-${stage}-`));
  const credentials = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']);
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !credentials.has(name))),
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent',
    ESBUILD_WORK_FOLDER: `.esbuild-package-${stage}`,
  };
  const args = [
    require.resolve('serverless/bin/serverless.js'),
    'package',
    '--stage',
    stage,
    '--package',
    dir,
    ...params.map((param) => `--param=${param}`),
  ];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd, env, timeout: 180_000, maxBuffer: 64 * 2 ** 20 });
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  return { template, dir, output: `${stdout}${stderr}` };
}

/** Evaluates a condition of the template: the stage's params are already literal values there. */
export function condition(template: Template, name: string): boolean {
  const evaluate = (node: any): any => {
    if (node === null || typeof node !== 'object') return node;
    if ('Fn::Equals' in node) return String(evaluate(node['Fn::Equals'][0])) === String(evaluate(node['Fn::Equals'][1]));
    if ('Fn::Not' in node) return !evaluate(node['Fn::Not'][0]);
    if ('Fn::And' in node) return node['Fn::And'].every(evaluate);
    if ('Fn::Or' in node) return node['Fn::Or'].some(evaluate);
    if ('Condition' in node) return condition(template, node.Condition);
    throw new Error(`Cannot evaluate ${JSON.stringify(node)}`);
  };
  return evaluate(template.Conditions?.[name]);
}

/** Resolves Fn::If against the template's conditions, and drops AWS::NoValue. */
export function resolve(template: Template, node: any): any {
  if (Array.isArray(node)) return node.map((item) => resolve(template, item)).filter((item) => item !== undefined);
  if (node === null || typeof node !== 'object') return node;
  if ('Fn::If' in node) {
    const [name, whenTrue, whenFalse] = node['Fn::If'];
    return resolve(template, condition(template, name) ? whenTrue : whenFalse);
  }
  if (node.Ref === 'AWS::NoValue') return undefined;
  return Object.fromEntries(
    Object.entries(node)
      .map(([key, value]) => [key, resolve(template, value)])
      .filter(([, value]) => value !== undefined),
  );
}

/** The resources CloudFormation would create: those whose condition holds. */
export function created(template: Template) {
  return Object.fromEntries(
    Object.entries(template.Resources).filter(([, resource]) => !resource.Condition || condition(template, resource.Condition)),
  );
}

/**
 * AWS's cfn-lint on a packaged template: its findings (empty when clean), or undefined when it is not installed.
 * W3005/W8003: how the framework writes DependsOn and conditions; E1151: a '' in an Fn::If branch not taken (see the stack notes).
 */
export function cfnLintFindings(dir: string): string | undefined {
  if (spawnSync('cfn-lint', ['--version']).status !== 0) return undefined;
  const file = path.join(dir, 'cloudformation-template-update-stack.json');
  const lint = spawnSync('cfn-lint', ['--regions', 'eu-west-1', '--ignore-checks', 'W3005', 'W8003', 'E1151', '--', file], {
    encoding: 'utf8',
  });
  return lint.status === 0 ? lint.stdout + lint.stderr : `exit ${lint.status}: ${lint.stdout}${lint.stderr}`;
}
