'use strict';

const { catalog, apiFunctions, subscribedFunctions, capitalise } = require('./functions');
const { accessLogMetrics } = require('./gateway');

/**
 * Error alerting, generated from the function list: the stage's topic (email subscribers from
 * params), the Slack webhook secret, the alert-window table, one subscription of each API
 * function's log group (and migrate's) to `alerts`, and the alarms, all to the topic.
 */

/**
 * What the subscriptions match: the service logger's and the Node.js runtime's ERROR (and
 * FATAL) lines, and the platform's reports of a failed invocation or initialisation (timeouts,
 * crashes, out of memory). INFO and WARN never match.
 */
const errorPattern =
  '{ ($.level = "ERROR") || ($.level = "FATAL") || ' +
  '($.type = "platform.report" && $.record.status != "success") || ' +
  '($.type = "platform.initReport" && $.record.status != "success") }';

/** The alerts function's own WARN lines for a channel that failed, counted by a metric with an alarm. */
const deliveryFailurePattern = '{ $.alertDeliveryFailed IS TRUE }';

const list = (value) =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function alarm({ metric, namespace = 'AWS/Lambda', dimensions, statistic, threshold, period, description, topic = 'AlertsTopic' }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metric,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      ...(statistic.startsWith('p') ? { ExtendedStatistic: statistic } : { Statistic: statistic }),
      Period: period,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const number = async (name) => Number(await resolveVariable(`param:${name}`));
  const period = await number('alarmPeriodSeconds');
  const providerTimeout = await number('timeout');
  const durationRatio = await number('alarmDurationRatio');
  const functionName = (name) => `${service}-${stage}-${name}`;

  const Resources = {
    AlertsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: functionName('alerts'), DisplayName: `${service} ${stage} alerts` } },
    // Holds {"webhookUrl": "https://hooks.slack.com/services/..."}; empty until an operator sets it (Slack is off until then).
    SlackWebhookSecret: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Name: `${service}/${stage}/slack-webhook`,
        Description: `Slack incoming webhook for ${service} ${stage} alerts`,
        SecretString: '{"webhookUrl":""}',
      },
    },
    AlertsTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: functionName('alerts'),
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
  };

  list(await resolveVariable('param:alertEmails')).forEach((email, index) => {
    Resources[`AlertsEmailSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlertsTopic' }, Protocol: 'email', Endpoint: email },
    };
  });

  for (const name of subscribedFunctions) {
    const id = capitalise(name);
    Resources[`${id}AlertsPermission`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['AlertsLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'logs.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName(name)}:*`,
        },
      },
    };
    Resources[`${id}ErrorSubscription`] = {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: [`${id}AlertsPermission`],
      Properties: {
        LogGroupName: { Ref: `${id}LogGroup` },
        FilterName: 'errors-to-alerts',
        FilterPattern: errorPattern,
        DestinationArn: { 'Fn::GetAtt': ['AlertsLambdaFunction', 'Arn'] },
      },
    };
  }

  for (const name of apiFunctions) {
    const id = capitalise(name);
    const dimensions = { FunctionName: { Ref: `${id}LambdaFunction` } };
    const timeoutMs = (catalog[name].timeout ?? providerTimeout) * 1000;
    Resources[`${id}ErrorsAlarm`] = alarm({
      metric: 'Errors',
      dimensions,
      statistic: 'Sum',
      threshold: await number('alarmErrorsThreshold'),
      period,
      description: `${functionName(name)}: invocation errors (rolls a canary back)`,
    });
    Resources[`${id}ThrottlesAlarm`] = alarm({
      metric: 'Throttles',
      dimensions,
      statistic: 'Sum',
      threshold: await number('alarmThrottlesThreshold'),
      period,
      description: `${functionName(name)}: throttled invocations`,
    });
    Resources[`${id}DurationAlarm`] = alarm({
      metric: 'Duration',
      dimensions,
      statistic: 'p99',
      threshold: Math.round(timeoutMs * durationRatio),
      period,
      description: `${functionName(name)}: p99 duration near the timeout (rolls a canary back)`,
    });
  }

  Resources.HttpApi5xxAlarm = alarm({
    metric: '5xx',
    namespace: 'AWS/ApiGateway',
    dimensions: { ApiId: { Ref: 'HttpApi' }, Stage: '$default' },
    statistic: 'Sum',
    threshold: await number('alarmApi5xxThreshold'),
    period,
    description: `${service}-${stage}: HTTP API 5xx answers`,
  });
  Resources.HttpApiThrottledAlarm = alarm({
    metric: accessLogMetrics.throttled.name,
    namespace: `${service}/${stage}`,
    dimensions: {},
    statistic: 'Sum',
    threshold: await number('alarmApiThrottledThreshold'),
    period,
    description: `${service}-${stage}: requests the gateway throttled (429), from the access log`,
  });
  // The alerts function never logs at ERROR and is never subscribed: alarms watch it instead.
  Resources.AlertsErrorsAlarm = alarm({
    metric: 'Errors',
    dimensions: { FunctionName: { Ref: 'AlertsLambdaFunction' } },
    statistic: 'Sum',
    threshold: 1,
    period,
    description: `${functionName('alerts')}: failed deliveries or malformed payloads`,
  });
  Resources.AlertDeliveryFailuresMetric = {
    Type: 'AWS::Logs::MetricFilter',
    Properties: {
      LogGroupName: { Ref: 'AlertsLogGroup' },
      FilterPattern: deliveryFailurePattern,
      MetricTransformations: [{ MetricNamespace: `${service}/${stage}`, MetricName: 'AlertDeliveryFailures', MetricValue: '1' }],
    },
  };
  Resources.AlertDeliveryFailuresAlarm = alarm({
    metric: 'AlertDeliveryFailures',
    namespace: `${service}/${stage}`,
    dimensions: {},
    statistic: 'Sum',
    threshold: 1,
    period,
    description: `${functionName('alerts')}: a channel (email or Slack) failed`,
  });
  return { Resources };
};

module.exports.errorPattern = errorPattern;
module.exports.deliveryFailurePattern = deliveryFailurePattern;
