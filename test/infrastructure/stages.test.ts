import fs from 'node:fs';
import { apiFunctions, capitalise, names } from '../../resources/functions';
import { stageKind, stageNameProblem } from '../../resources/stage';
import { cfnLintFindings, packageStage, type Template } from '../support/template';
import { serviceName } from '../support/names';

const service = serviceName;
const problem = (stage: string) => stageNameProblem(stage, { service, functionNames: names });
/** The longest function name, and the longest stage name this service's resource names leave room for. */
const longestFunction = names.reduce((longest, name) => (name.length > longest.length ? name : longest), '');
const longest = 64 - `${service}--${longestFunction}`.length;

describe('a stage name', () => {
  it('says the kind of stage: local, a pull request preview (pr-<number>), or one someone named', () => {
    expect(['local', 'pr-42', 'pr-1', 'dev', 'prod', 'alice', 'pr-0', 'pr-42a', 'feature-pr-42'].map(stageKind)).toEqual([
      'local',
      'preview',
      'preview',
      'named',
      'named',
      'named',
      'named',
      'named',
      'named',
    ]);
  });

  it('is taken when AWS takes it in every resource name the stage makes', () => {
    for (const stage of ['local', 'dev', 'staging', 'prod', 'alice', 'pr-42', 'team-a-2', 'x'.repeat(longest)])
      expect(problem(stage)).toBeUndefined();
  });

  it('is refused, with the reason, when a resource name could not take it', () => {
    const charactersRefused = /take lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen/;
    for (const stage of ['Alice', 'feature_x', 'a--b', 'alice-', '1st', 'a.b', 'pr 42', ''])
      expect(problem(stage)).toMatch(charactersRefused);
    expect(problem('laws-team')).toBe('stage name "laws-team" cannot be used in AWS: Cognito refuses "aws" in the user pool\'s domain');
    expect(problem('x'.repeat(longest + 1))).toBe(
      `stage name "${'x'.repeat(longest + 1)}" is too long for the function ${service}-${'x'.repeat(longest + 1)}-${longestFunction} ` +
        `(65 characters, AWS takes 64): at most ${longest} characters here`,
    );
  });
});

/** Packages `stage` with `params`; its template and what packaging printed. */
async function packaged(stage: string, params: string[] = []) {
  const { template, dir, output } = await packageStage(stage, params);
  const findings = cfnLintFindings(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return { template, output, findings };
}

const ofType = (template: Template, type: string) => Object.keys(template.Resources).filter((id) => template.Resources[id]!.Type === type);
const grantsOf = (template: Template, role: string) =>
  template.Resources[role]!.Properties.Policies[0].PolicyDocument.Statement.map((statement: { Sid: string }) => statement.Sid);

describe("a developer's own stage and a pull request's preview", () => {
  let alice: Awaited<ReturnType<typeof packaged>>;
  let preview: Awaited<ReturnType<typeof packaged>>;

  beforeAll(async () => {
    alice = await packaged('alice');
    preview = await packaged('pr-42');
  });

  it('package into templates cfn-lint finds clean (where it is installed)', () => {
    if (alice.findings !== undefined) expect(alice.findings).toBe('');
    if (preview.findings !== undefined) expect(preview.findings).toBe('');
  });

  it('alice, a named stage, releases by canary: an alias and deployment group per route, probed first, and says so', () => {
    expect(alice.output).toContain(
      "Stage alice (a named stage): canary releases, CodeDeploy shifting each route's traffic AllAtOnce, after a pre-traffic probe",
    );
    expect(ofType(alice.template, 'AWS::CodeDeploy::Application')).toEqual(['UsersapialiceDeploymentApplication']);
    expect(ofType(alice.template, 'AWS::Lambda::Alias')).toHaveLength(apiFunctions.length);
    expect(ofType(alice.template, 'AWS::CodeDeploy::DeploymentGroup')).toHaveLength(apiFunctions.length);
    expect(grantsOf(alice.template, 'PreTrafficRole')).toEqual(['WriteOwnLogs', 'ReadAndReportDeployment', 'ProbeNewVersions']);
    expect(alice.template.Resources.CodeDeployRole).toBeDefined();
  });

  it('pr-42, a preview, takes params.preview: no canary, Aurora scaling to zero, short logs; its routes wait for the migrations', () => {
    expect(preview.output).toContain(
      "Stage pr-42 (a pull request's preview, with params.preview): no canary; a release moves every route at once",
    );
    for (const type of ['AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::Lambda::Alias'])
      expect(ofType(preview.template, type)).toEqual([]);
    expect(preview.template.Resources.CodeDeployRole).toBeUndefined();
    expect(grantsOf(preview.template, 'PreTrafficRole')).toEqual(['WriteOwnLogs']);
    expect(preview.template.Resources.DatabaseCluster!.Properties.ServerlessV2ScalingConfiguration).toMatchObject({
      MinCapacity: 0,
      MaxCapacity: 1,
    });
    expect(preview.template.Resources[`${capitalise(apiFunctions[0]!)}LogGroup`]!.Properties.RetentionInDays).toBe(3);
    for (const name of apiFunctions)
      expect(preview.template.Resources[`${capitalise(name)}LambdaFunction`]!.DependsOn).toContain('ReleaseMigrations');
    // The integration invokes the function itself, there being no alias.
    const integration = preview.template.Resources[`HttpApiIntegration${capitalise(apiFunctions[0]!)}`]!.Properties;
    expect(JSON.stringify(integration.IntegrationUri)).toContain(`${capitalise(apiFunctions[0]!)}LambdaFunction`);
  });

  it('a name AWS cannot take is refused before anything is built, with the reason', async () => {
    const refused = await packageStage('Feature-X').then(
      () => 'packaged',
      (failed: { stdout?: string; stderr?: string }) => `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    );
    expect(refused).toContain('stage name "Feature-X" cannot be used in AWS');
    expect(refused).not.toContain('Packaging');
  });
});
