'use strict';

/**
 * One IAM role per function, with only what that function needs: writing its own log group,
 * the network interfaces Lambda needs for VPC access, and (for the functions listed in
 * custom.databaseFunctions) reading the one database secret. Serverless evaluates this file for
 * `resources`; each function names its role (`<FunctionName>Role`) in serverless.yml.
 */
const capitalise = (name) => name[0].toUpperCase() + name.slice(1);

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const functionNames = Object.keys(await resolveVariable('self:functions'));
  // The local stage has no VPC and no database in AWS: its roles only write logs.
  const inAws = (await resolveVariable('self:custom.kind')) === 'aws';
  const databaseFunctions = new Set(inAws ? await resolveVariable('self:custom.databaseFunctions') : []);

  const Resources = {};
  for (const name of functionNames) {
    const logGroup = `/aws/lambda/${service}-${stage}-${name}`;
    const statements = [
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroup}:*` },
      },
    ];
    if (inAws) {
      statements.push({
        // Lambda creates and removes the function's network interfaces in the VPC with these.
        // AWS accepts no resource narrower than "*" for the Describe call, and the interfaces do
        // not exist before Lambda creates them (as in AWSLambdaVPCAccessExecutionRole).
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
    }
    if (databaseFunctions.has(name)) {
      statements.push({
        Sid: 'ReadDatabaseSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: { 'Fn::GetAtt': ['DatabaseCluster', 'MasterUserSecret.SecretArn'] },
      });
    }
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
