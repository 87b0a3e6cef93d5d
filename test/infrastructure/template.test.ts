import fs from 'node:fs';
import { condition, created, packageStage, resolve, type Template } from '../support/template';

jest.setTimeout(300_000);

/** The functions that do not touch the database; every other one reads its secret. */
const withoutDatabase = new Set(['healthLive', 'notFound']);
const databaseFunctions = new Set([
  'healthReady',
  'health',
  'usersCreate',
  'usersList',
  'usersGet',
  'usersUpdate',
  'usersDelete',
  'migrate',
]);
const functions = [...withoutDatabase, ...databaseFunctions];
const capital = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const secretArn = { 'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn'] };
const privateSubnets = ['PrivateSubnetA', 'PrivateSubnetB'].map((id) => ({ Ref: id }));

const expected = {
  dev: { retention: 7, minCapacity: 0, autoPause: true, protection: false, deletion: 'Delete', proxy: false, reserved: undefined },
  staging: { retention: 30, minCapacity: 0.5, autoPause: false, protection: false, deletion: 'Delete', proxy: false, reserved: 20 },
  prod: { retention: 90, minCapacity: 0.5, autoPause: false, protection: true, deletion: 'Snapshot', proxy: true, reserved: 50 },
};

const templates: Record<string, Template> = {};
const dirs: string[] = [];

beforeAll(async () => {
  for (const stage of Object.keys(expected)) {
    const { template, dir } = await packageStage(stage);
    templates[stage] = template;
    dirs.push(dir);
  }
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The Fn::Split of subnet ids, with its Fn::If resolved, as a list. */
function subnetIds(template: Template, node: any): any[] {
  const split = resolve(template, node)['Fn::Split'][1];
  return typeof split === 'string' ? split.split(',') : split['Fn::Join'][1];
}

describe.each(Object.entries(expected))('stage %s', (stage, want) => {
  const template = () => templates[stage]!;
  const resources = () => created(template());
  const properties = (id: string) => resolve(template(), resources()[id]!.Properties);

  it('runs every function on nodejs24.x arm64 in the private subnets, with the functions security group', () => {
    for (const name of functions) {
      const fn = properties(`${capital(name)}LambdaFunction`);
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.FunctionName).toBe(`users-api-${stage}-${name}`);
      expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ Ref: 'FunctionSecurityGroup' }]);
      expect(subnetIds(template(), template().Resources[`${capital(name)}LambdaFunction`]!.Properties.VpcConfig.SubnetIds)).toEqual(
        privateSubnets,
      );
      expect(JSON.stringify(fn.Environment.Variables)).not.toMatch(/password/i);
    }
  });

  it('creates a VPC with private subnets in two Availability Zones', () => {
    expect(condition(template(), 'CreateNetwork')).toBe(true);
    const zones = ['PrivateSubnetA', 'PrivateSubnetB'].map((id) => properties(id).AvailabilityZone);
    expect(zones).toEqual([{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }]);
    for (const id of ['PrivateSubnetA', 'PrivateSubnetB']) expect(properties(id).MapPublicIpOnLaunch).toBe(false);
  });

  it('reaches Secrets Manager through an interface endpoint, with no NAT', () => {
    const endpoint = properties('SecretsManagerEndpoint');
    expect(endpoint).toMatchObject({
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SecurityGroupIds: [{ Ref: 'EndpointSecurityGroup' }],
    });
    expect(resources().NatGateway).toBeUndefined();
    expect(resources().InternetGateway).toBeUndefined();
  });

  it('lets only the functions (and the proxy, when on) reach the database on 5432', () => {
    const database = properties('DatabaseSecurityGroup');
    expect(database.SecurityGroupIngress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { Ref: 'FunctionSecurityGroup' } }),
    ]);
    const extraIngress = Object.entries(resources()).filter(([, r]) => r.Type === 'AWS::EC2::SecurityGroupIngress');
    expect(extraIngress.map(([id]) => id)).toEqual(want.proxy ? ['DatabaseIngressFromProxy'] : []);
    if (want.proxy)
      expect(properties('DatabaseIngressFromProxy')).toMatchObject({
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { Ref: 'ProxySecurityGroup' },
      });
    for (const rule of properties('EndpointSecurityGroup').SecurityGroupIngress) expect(rule).toMatchObject({ FromPort: 443, ToPort: 443 });
    expect(properties('FunctionSecurityGroup').SecurityGroupIngress).toBeUndefined();
  });

  it('runs an encrypted, backed-up, private Aurora PostgreSQL 17 Serverless v2 cluster with a managed, rotated secret', () => {
    const cluster = properties('DatabaseCluster');
    expect(cluster).toMatchObject({
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      ManageMasterUserPassword: true,
      DBClusterIdentifier: `users-api-${stage}`,
    });
    expect(String(cluster.EngineVersion)).toMatch(/^17\./);
    expect(cluster.BackupRetentionPeriod).toBeGreaterThanOrEqual(1);
    expect(cluster.MasterUserPassword).toBeUndefined();
    expect(properties('DatabaseInstance')).toMatchObject({ DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
    expect(cluster.ServerlessV2ScalingConfiguration.MinCapacity).toBe(want.minCapacity);
    expect(cluster.ServerlessV2ScalingConfiguration.SecondsUntilAutoPause !== undefined).toBe(want.autoPause);
  });

  it('protects only prod from deletion, and snapshots it on delete', () => {
    const cluster = template().Resources.DatabaseCluster!;
    expect(cluster.Properties.DeletionProtection).toBe(want.protection);
    expect(cluster.DeletionPolicy).toBe(want.deletion);
    expect(cluster.UpdateReplacePolicy).toBe(want.deletion);
  });

  it('points the functions at the RDS Proxy only where the stage turns it on', () => {
    expect(condition(template(), 'UseProxy')).toBe(want.proxy);
    expect(Boolean(resources().DatabaseProxy)).toBe(want.proxy);
    const env = properties('UsersListLambdaFunction').Environment.Variables;
    expect(env.DB_PROXY_HOST).toEqual(want.proxy ? { 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] } : '');
    expect(env.DB_SECRET_ID).toEqual(secretArn);
    if (want.proxy)
      expect(properties('DatabaseProxy')).toMatchObject({ RequireTLS: true, Auth: [{ AuthScheme: 'SECRETS', SecretArn: secretArn }] });
  });

  it('gives each function its own least-privilege role', () => {
    expect(template().Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const name of functions) {
      const roleId = `${capital(name)}Role`;
      expect(properties(`${capital(name)}LambdaFunction`).Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      const role = properties(roleId);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      const statements = role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      const logGroup = `/aws/lambda/users-api-${stage}-${name}`;
      const wanted: any[] = [
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroup}:*` },
        },
        {
          Sid: 'VpcNetworkInterfaces',
          Effect: 'Allow',
          Action: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: '*',
        },
      ];
      if (databaseFunctions.has(name))
        wanted.push({ Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secretArn });
      expect(statements).toEqual(wanted);
    }
  });

  it('keeps logs for the stage retention and reserves concurrency for the database functions', () => {
    for (const name of functions) {
      expect(properties(`${capital(name)}LogGroup`)).toEqual({
        LogGroupName: `/aws/lambda/users-api-${stage}-${name}`,
        RetentionInDays: want.retention,
      });
      const reserved = properties(`${capital(name)}LambdaFunction`).ReservedConcurrentExecutions;
      expect(reserved === undefined ? undefined : Number(reserved)).toBe(
        databaseFunctions.has(name) && name !== 'migrate' ? want.reserved : undefined,
      );
    }
  });

  it('names the API and every resource after the stage', () => {
    expect(properties('HttpApi').Name).toBe(`users-api-${stage}`);
    expect(properties('HttpApiRouteDefault').RouteKey).toBe('$default');
  });
});

describe('a stage given an existing VPC', () => {
  let template: Template;
  beforeAll(async () => {
    const { template: packaged, dir } = await packageStage('staging', ['vpcId=vpc-0123456789abcdef0', 'subnetIds=subnet-0aaa,subnet-0bbb']);
    template = packaged;
    dirs.push(dir);
  });

  it('creates no network and uses the given subnets and VPC', () => {
    expect(condition(template, 'CreateNetwork')).toBe(false);
    const resources = created(template);
    expect(resources.Vpc).toBeUndefined();
    expect(resources.PrivateSubnetA).toBeUndefined();
    expect(subnetIds(template, template.Resources.UsersGetLambdaFunction!.Properties.VpcConfig.SubnetIds)).toEqual([
      'subnet-0aaa',
      'subnet-0bbb',
    ]);
    expect(resolve(template, template.Resources.DatabaseSecurityGroup!.Properties).VpcId).toBe('vpc-0123456789abcdef0');
    expect(subnetIds(template, template.Resources.DatabaseSubnetGroup!.Properties.SubnetIds)).toEqual(['subnet-0aaa', 'subnet-0bbb']);
  });
});

describe('the local stage', () => {
  it('packages no AWS infrastructure beyond the functions: no VPC, database, proxy or endpoint', async () => {
    const { template, dir } = await packageStage('local');
    dirs.push(dir);
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const type of ['AWS::EC2::VPC', 'AWS::RDS::DBCluster', 'AWS::RDS::DBProxy', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::SecurityGroup'])
      expect(types.has(type)).toBe(false);
    expect(template.Resources.UsersListLambdaFunction!.Properties.VpcConfig).toBeUndefined();
    // Each function's role exists, so the template stays whole, and only writes its logs.
    for (const name of functions) {
      const role = template.Resources[`${capital(name)}Role`]!;
      const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      expect(statements.map((statement: any) => statement.Sid)).toEqual(['WriteOwnLogs']);
    }
  });
});

describe('a stage that reaches Secrets Manager through NAT', () => {
  it('creates public subnets, an internet gateway and a NAT gateway, and no endpoint', async () => {
    const { template, dir } = await packageStage('dev', ['secretsAccess=nat']);
    dirs.push(dir);
    const resources = created(template);
    for (const id of ['InternetGateway', 'PublicSubnetA', 'NatGateway', 'PrivateDefaultRoute']) expect(resources[id]).toBeDefined();
    expect(resolve(template, resources.PrivateDefaultRoute!.Properties)).toMatchObject({
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: { Ref: 'NatGateway' },
    });
    expect(resources.SecretsManagerEndpoint).toBeUndefined();
    expect(resources.EndpointSecurityGroup).toBeUndefined();
  });
});
