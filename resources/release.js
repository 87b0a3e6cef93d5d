'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { canaryReleases } = require('./functions');

/**
 * Migrations before traffic. `ReleaseMigrations` is a custom resource that CloudFormation
 * handles after the new `migrate` code is in place and, through the DependsOn that
 * migrations-first-plugin.cjs adds, before any alias moves to a new version. Its handler runs
 * `migrate` and fails the resource when a migration fails: the stack then rolls back and the old
 * versions never stopped serving. Its digest changes whenever migrations/ does, which is what
 * makes CloudFormation run it again.
 */
function migrationsDigest(dir) {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir).sort()) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** CodeDeploy's own role: shift the aliases, read the alarms, and invoke only this stage's pre-traffic hook. */
const codeDeployRole = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited' }],
    Policies: [
      {
        PolicyName: 'invoke-pre-traffic-hook',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'InvokePreTrafficHook',
              Effect: 'Allow',
              Action: ['lambda:InvokeFunction'],
              Resource: [{ 'Fn::GetAtt': ['PreTrafficLambdaFunction', 'Arn'] }, { 'Fn::Sub': '${PreTrafficLambdaFunction.Arn}:*' }],
            },
          ],
        },
      },
    ],
  },
};

module.exports = async ({ resolveVariable }) => {
  const serviceDir = path.resolve(__dirname, '..');
  const canary = await canaryReleases(resolveVariable);
  return {
    Resources: {
      ReleaseMigrations: {
        Type: 'Custom::Migrations',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['ReleaseMigrationsLambdaFunction', 'Arn'] },
          ServiceTimeout: 600,
          MigrateFunction: { Ref: 'MigrateLambdaFunction' },
          MigrationsDigest: migrationsDigest(path.join(serviceDir, 'migrations')),
          Stage: await resolveVariable('sls:stage'),
        },
      },
      // Where the stage has canary releases (the plugin's default role would carry AWSLambda_FullAccess).
      ...(canary && { CodeDeployRole: codeDeployRole }),
    },
  };
};

module.exports.migrationsDigest = migrationsDigest;
