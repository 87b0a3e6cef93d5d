'use strict';

const { apiFunctions, routeKeyOf } = require('./functions');
const { accessLogGroupName, accessLogMetrics } = require('./gateway');

/**
 * One CloudWatch dashboard per stage, generated from the function list like the alarms: per API
 * function its requests, errors, p50/p95/p99 duration, throttles and concurrency; the database
 * panels (the service's own metrics: round-trip time, retries by kind, 503s by cause, secret
 * fetches; and the engine's: Aurora's ACU and connections, or DocumentDB's CPU and connections);
 * and the alerts function.
 */
const namespace = 'UsersApi';
const width = 24;

/** A graph of one-minute points. */
function metricWidget(title, stat, metrics) {
  return { type: 'metric', width: 8, height: 6, properties: { title, region: '${AWS::Region}', stat, period: 60, metrics } };
}

function lambdaWidget(title, functionName, metrics, stat = 'Sum') {
  return metricWidget(
    title,
    stat,
    metrics.map(([metric, options]) => ['AWS/Lambda', metric, 'FunctionName', functionName, options ?? {}]),
  );
}

function routeWidgets(service, stage, name) {
  const functionName = `${service}-${stage}-${name}`;
  const route = routeKeyOf(name);
  return [
    { type: 'text', width, height: 1, properties: { markdown: `### ${name}: \`${route}\` (${functionName})` } },
    lambdaWidget(`${name}: requests and errors`, functionName, [['Invocations'], ['Errors']]),
    lambdaWidget(
      `${name}: duration`,
      functionName,
      [
        ['Duration', { stat: 'p50' }],
        ['Duration', { stat: 'p95' }],
        ['Duration', { stat: 'p99' }],
      ],
      'p50',
    ),
    lambdaWidget(`${name}: throttles and concurrency`, functionName, [['Throttles'], ['ConcurrentExecutions', { stat: 'Maximum' }]]),
  ];
}

function serviceMetric(title, stage, names, stat = 'Sum') {
  // The service's EMF metrics, over every route of the stage.
  return metricWidget(
    title,
    stat,
    names.map((name) => [
      {
        expression: `SUM(SEARCH('{${namespace},service,stage,route} MetricName="${name}" stage="${stage}"', '${stat}', 60))`,
        label: name,
        id: name.toLowerCase(),
      },
    ]),
  );
}

function databaseWidgets(stage, engine, cluster) {
  const engineMetrics =
    engine === 'documentdb'
      ? [
          ['AWS/DocDB', 'CPUUtilization', 'DBClusterIdentifier', cluster],
          ['AWS/DocDB', 'DatabaseConnections', 'DBClusterIdentifier', cluster],
        ]
      : [
          ['AWS/RDS', 'ServerlessDatabaseCapacity', 'DBClusterIdentifier', cluster],
          ['AWS/RDS', 'DatabaseConnections', 'DBClusterIdentifier', cluster],
        ];
  return [
    { type: 'text', width, height: 1, properties: { markdown: `### The database (${engine}: ${cluster})` } },
    serviceMetric('Database round trip (ms, p99)', stage, ['DatabaseRoundTrip'], 'p99'),
    serviceMetric('Retries by kind', stage, ['RetryCredentialsRefreshed', 'RetryCapacityBackoff', 'RetryInFlightRepeat']),
    serviceMetric('503s by cause, and secret fetches', stage, [
      'Unavailable503Database',
      'Unavailable503TokenKeys',
      'Unavailable503IdempotencyStore',
      'SecretFetches',
    ]),
    metricWidget(engine === 'documentdb' ? 'DocumentDB CPU and connections' : 'Aurora ACU and connections', 'Average', engineMetrics),
  ];
}

/** What the access log counts: each route's 4xx and 5xx, and the requests the gateway throttled. */
function gatewayWidgets(service, stage) {
  const namespace = `${service}/${stage}`;
  const { clientErrors, serverErrors, throttled } = accessLogMetrics;
  const byRoute = (metric) => ({
    expression: `SEARCH('{${namespace},route} MetricName="${metric.name}"', 'Sum', 60)`,
    id: metric.name.toLowerCase(),
  });
  return [
    { type: 'text', width, height: 1, properties: { markdown: `### The gateway (access log ${accessLogGroupName(service, stage)})` } },
    metricWidget('4xx by route', 'Sum', [[byRoute(clientErrors)]]),
    metricWidget('5xx by route', 'Sum', [[byRoute(serverErrors)]]),
    metricWidget('Throttled by the gateway (429)', 'Sum', [[namespace, throttled.name]]),
  ];
}

function alertsWidgets(service, stage) {
  const functionName = `${service}-${stage}-alerts`;
  return [
    { type: 'text', width, height: 1, properties: { markdown: `### Alerts (${functionName})` } },
    serviceMetric('Alerts sent and suppressed', stage, ['AlertsSent', 'AlertsSuppressed']),
    lambdaWidget('alerts: invocations and errors', functionName, [['Invocations'], ['Errors']]),
    lambdaWidget('alerts: duration', functionName, [['Duration', { stat: 'p99' }]], 'p99'),
  ];
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const engine = await resolveVariable('param:dbEngine');
  const widgets = [
    ...gatewayWidgets(service, stage),
    ...apiFunctions.flatMap((name) => routeWidgets(service, stage, name)),
    ...databaseWidgets(stage, engine, `${service}-${stage}`),
    ...alertsWidgets(service, stage),
  ];
  return {
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: `${service}-${stage}`,
          // Fn::Sub fills in the region; the body has no other ${...}.
          DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) },
        },
      },
    },
  };
};
