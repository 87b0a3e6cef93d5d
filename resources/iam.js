'use strict';

const { names, catalog, apiFunctions, capitalise, canaryReleases } = require('./functions');

/**
 * One IAM role per function (`<FunctionName>Role`, named by resources/functions.js), with only
 * what that function needs: writing its own log group, the network interfaces Lambda needs in the
 * VPC, reading the database secret for database functions, the idempotency table's records for
 * idempotent routes, and each non-API function's own grants below. Serverless evaluates this file for `resources`.
 */
const arn = (service, resource) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}` });
const allow = (Sid, Action, Resource) => ({ Sid, Effect: 'Allow', Action, Resource });

/** What the functions that are not routes may do, beyond their logs. AWS stages only. */
function ownGrants(name, { service, stage, canary }) {
  switch (name) {
    case 'alerts':
      return [
        allow('PublishAlerts', ['sns:Publish'], { Ref: 'AlertsTopic' }),
        allow('CountAlerts', ['dynamodb:UpdateItem'], { 'Fn::GetAtt': ['AlertsTable', 'Arn'] }),
        allow('ReadSlackWebhook', ['secretsmanager:GetSecretValue'], { Ref: 'SlackWebhookSecret' }),
      ];
    case 'releaseMigrations':
      return [allow('RunMigrations', ['lambda:InvokeFunction'], { 'Fn::GetAtt': ['MigrateLambdaFunction', 'Arn'] })];
    case 'preTraffic':
      // Without canary releases there is no CodeDeploy application, and no new version to probe.
      if (!canary) return [];
      return [
        allow('ReadAndReportDeployment', ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'], {
          'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${${deploymentApplication(service, stage)}}/*`,
        }),
        // Any version of the API functions (the new one is probed before it takes traffic).
        allow(
          'ProbeNewVersions',
          ['lambda:InvokeFunction'],
          apiFunctions.map((api) => arn('lambda', `function:${service}-${stage}-${api}:*`)),
        ),
      ];
    default:
      return [];
  }
}

/** The CodeDeploy application's logical id, as serverless-plugin-canary-deployments names it (the framework's alphanumeric naming). */
function deploymentApplication(service, stage) {
  return `${capitalise(`${service}-${stage}`.replace(/[^0-9A-Za-z]/g, ''))}DeploymentApplication`;
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  // The local stage has no VPC, database or alerting in AWS: its roles only write logs.
  const inAws = (await resolveVariable('self:custom.kind')) === 'aws';
  const tracing = await resolveVariable('param:tracing');
  const canary = await canaryReleases(resolveVariable);
  // The stage's engine: the functions read their own login's secret; migrate reads the master's and that one.
  const onDocumentDb = (await resolveVariable('param:dbEngine')) === 'documentdb';
  const databaseSecrets = (spec) =>
    onDocumentDb
      ? { Ref: 'DocumentDbSecret' }
      : spec.migrations
        ? [{ 'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn'] }, { Ref: 'AppDatabaseSecret' }]
        : { Ref: 'AppDatabaseSecret' };

  const Resources = {};
  for (const name of names) {
    const spec = catalog[name];
    const logGroup = `/aws/lambda/${service}-${stage}-${name}`;
    const statements = [allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], arn('logs', `log-group:${logGroup}:*`))];
    if (inAws && !spec.outsideVpc) {
      // Lambda creates and removes the function's network interfaces in the VPC with these.
      // AWS accepts no resource narrower than "*" for the Describe call, and the interfaces do
      // not exist before Lambda creates them (as in AWSLambdaVPCAccessExecutionRole).
      statements.push(
        allow(
          'VpcNetworkInterfaces',
          [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          '*',
        ),
      );
    }
    if (inAws && spec.database) {
      statements.push(allow('ReadDatabaseSecret', ['secretsmanager:GetSecretValue'], databaseSecrets(spec)));
    }
    if (inAws && spec.idempotent) {
      // Powertools idempotency: read, claim (conditional put), complete and release a key's record.
      statements.push(
        allow('UseIdempotencyRecords', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], {
          'Fn::GetAtt': ['IdempotencyTable', 'Arn'],
        }),
      );
    }
    if (inAws && tracing === 'Active') {
      // Lambda sends the function's X-Ray segments with its role; AWS accepts no narrower resource.
      statements.push(allow('WriteTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'));
    }
    if (inAws) statements.push(...ownGrants(name, { service, stage, canary }));
    Resources[`${capitalise(name)}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{ PolicyName: `${name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    };
  }
  return { Resources };
};

module.exports.deploymentApplication = deploymentApplication;
