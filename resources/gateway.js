'use strict';

const naming = require('serverless/lib/plugins/aws/lib/naming');
const { catalog, apiFunctions, capitalise, routeKeyOf, reservedConcurrencyPerRoute } = require('./functions');

/**
 * The API's front door: the stage's own domain (optional), its access log, and throttling at the
 * gateway, so that a burst is refused with API Gateway's 429 before Lambda throttles it (a 500 to
 * the client) or the database feels it.
 */

/**
 * One JSON line per request. Numbers are written bare so that metric filters can compare them; every
 * other value is quoted, since API Gateway writes `-` for one it does not have. Nothing a client sends
 * is here but its method and route: no body, no query string, no header (so no token), only the
 * client id the authorizer read from a verified token.
 */
const accessLogFields = Object.freeze({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  timeEpochMs: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.claims.client_id',
  sourceIp: '$context.identity.sourceIp',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
});
/** The stage's access log group. */
const accessLogGroupName = (service, stage) => `/aws/http-api/${service}-${stage}/access`;

const numericFields = new Set(['timeEpochMs', 'status', 'latencyMs']);
const accessLogFormat = `{${Object.entries(accessLogFields)
  .map(([name, variable]) => `"${name}":${numericFields.has(name) ? variable : `"${variable}"`}`)
  .join(',')}}`;

/** The metrics the access log feeds (namespace `<service>/<stage>`): answers by class and route, and the gateway's 429s. */
const accessLogMetrics = Object.freeze({
  clientErrors: { name: 'Http4xx', pattern: '{ $.status >= 400 && $.status < 500 }', byRoute: true },
  serverErrors: { name: 'Http5xx', pattern: '{ $.status >= 500 }', byRoute: true },
  // The service never answers 429 itself: each one is the gateway's throttling.
  throttled: { name: 'Throttled429', pattern: '{ $.status = 429 }', byRoute: false },
});

const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const certificatePattern = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]+$/;

/** A param the stage cannot be packaged with; serverless prints the stack of what a resource file throws, so it is the message alone. */
class GatewayConfigurationError extends Error {
  constructor(message) {
    super(message);
    this.stack = message;
  }
}

/** The stage's domain, its certificate and hosted zone, checked: a domain serves one stage, with a certificate of its region. */
async function customDomain(resolveVariable, stage) {
  const text = async (name) =>
    String((await resolveVariable(`param:${name}`)) ?? '')
      .trim()
      .toLowerCase();
  const domain = await text('apiDomainName');
  const certificate = (await resolveVariable('param:apiCertificateArn')) || '';
  const hostedZone = (await resolveVariable('param:apiHostedZoneId')) || '';
  if (!domain) {
    if (certificate || hostedZone)
      throw new GatewayConfigurationError(`apiCertificateArn and apiHostedZoneId need apiDomainName (stage ${stage})`);
    return undefined;
  }
  if (!domainPattern.test(domain)) throw new GatewayConfigurationError(`apiDomainName ${domain} (stage ${stage}) is not a domain name`);
  const region = await resolveVariable('self:provider.region');
  const certificateRegion = certificatePattern.exec(certificate)?.[1];
  if (!certificateRegion)
    throw new GatewayConfigurationError(`apiDomainName ${domain} (stage ${stage}) needs apiCertificateArn, an ACM certificate's ARN`);
  if (certificateRegion !== region)
    throw new GatewayConfigurationError(
      `apiCertificateArn of stage ${stage} is in ${certificateRegion}: a regional API's domain needs a certificate in ${region}`,
    );
  if (hostedZone && !/^Z[A-Z0-9]{1,31}$/.test(hostedZone))
    throw new GatewayConfigurationError(`apiHostedZoneId ${hostedZone} (stage ${stage}) is not a Route 53 hosted zone id`);
  const params = (await resolveVariable('self:params')) ?? {};
  for (const [other, values] of Object.entries(params)) {
    if (other === stage || String(values?.apiDomainName ?? '').toLowerCase() !== domain) continue;
    throw new GatewayConfigurationError(
      other === 'default'
        ? `apiDomainName ${domain} is set for every stage (params.default): set a domain per stage`
        : `apiDomainName ${domain} of stage ${stage} is stage ${other}'s (params.${other} in serverless.yml): a domain serves one stage`,
    );
  }
  return { domain, certificate, hostedZone };
}

/** The domain, its mapping to the stage, its alias records (where the zone is in the account), and the URL. */
function domainResources({ domain, certificate, hostedZone }) {
  const Resources = {
    ApiDomainName: {
      Type: 'AWS::ApiGatewayV2::DomainName',
      Properties: {
        DomainName: domain,
        DomainNameConfigurations: [{ CertificateArn: certificate, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
      },
    },
    ApiDomainMapping: {
      Type: 'AWS::ApiGatewayV2::ApiMapping',
      Properties: { ApiId: { Ref: 'HttpApi' }, DomainName: { Ref: 'ApiDomainName' }, Stage: { Ref: 'HttpApiStage' } },
    },
  };
  if (hostedZone) {
    for (const type of ['A', 'AAAA'])
      Resources[`ApiDomainRecord${type}`] = {
        Type: 'AWS::Route53::RecordSet',
        Properties: {
          HostedZoneId: hostedZone,
          Name: domain,
          Type: type,
          AliasTarget: {
            DNSName: { 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] },
            HostedZoneId: { 'Fn::GetAtt': ['ApiDomainName', 'RegionalHostedZoneId'] },
            EvaluateTargetHealth: false,
          },
        },
      };
  }
  const Outputs = {
    ApiDomainUrl: { Description: "The stage's own URL", Value: `https://${domain}` },
    // Where a DNS record made outside this stack points (a CNAME, or an alias in another account's zone).
    ApiDomainTarget: {
      Description: 'The regional domain name that the domain resolves to',
      Value: { 'Fn::GetAtt': ['ApiDomainName', 'RegionalDomainName'] },
    },
  };
  return { Resources, Outputs };
}

/** A positive number of a param, or `auto`'s value. */
async function limit(resolveVariable, name, auto) {
  const value = String(await resolveVariable(`param:${name}`));
  if (value === 'auto') return auto;
  const number = Number(value);
  if (!(number > 0)) throw new GatewayConfigurationError(`${name} must be a positive number or auto, not ${value}`);
  return number;
}

/** The stage's default rate and burst per route (serverless.yml says how `auto` sizes them), and each route's own. */
async function throttling(resolveVariable) {
  const reserved = await reservedConcurrencyPerRoute(resolveVariable);
  const concurrency = reserved > 0 ? reserved : Number(await resolveVariable('param:apiRouteConcurrency'));
  const latencyMs = Number(await resolveVariable('param:apiRouteLatencyMs'));
  const defaults = {
    ThrottlingBurstLimit: Math.round(await limit(resolveVariable, 'apiThrottleBurst', concurrency)),
    // At least one request a second, however slow the route is said to be.
    ThrottlingRateLimit: await limit(resolveVariable, 'apiThrottleRate', Math.max(1, Math.floor((concurrency * 1000) / latencyMs))),
  };
  const routes = apiFunctions
    .filter((name) => catalog[name].throttle)
    .map((name) => {
      const { http, throttle } = catalog[name];
      const routeKey = routeKeyOf(name);
      return {
        routeKey,
        logicalId: naming.getHttpApiRouteLogicalId(http === '*' ? '*' : routeKey),
        settings: { ThrottlingBurstLimit: throttle.burst, ThrottlingRateLimit: throttle.rate },
      };
    });
  return { defaults, routes };
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const namespace = `${service}/${stage}`;
  const domain = await customDomain(resolveVariable, stage);
  const { defaults, routes } = await throttling(resolveVariable);

  const Resources = {
    HttpApiAccessLogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Properties: {
        LogGroupName: accessLogGroupName(service, stage),
        RetentionInDays: Number(await resolveVariable('param:logRetentionDays')),
      },
    },
  };
  for (const [key, metric] of Object.entries(accessLogMetrics)) {
    Resources[`HttpApi${capitalise(key)}Metric`] = {
      Type: 'AWS::Logs::MetricFilter',
      Properties: {
        LogGroupName: { Ref: 'HttpApiAccessLogGroup' },
        FilterPattern: metric.pattern,
        MetricTransformations: [
          {
            MetricNamespace: namespace,
            MetricName: metric.name,
            MetricValue: '1',
            Unit: 'Count',
            ...(metric.byRoute && { Dimensions: [{ Key: 'route', Value: '$.route' }] }),
          },
        ],
      },
    };
  }
  const domainFragment = domain ? domainResources(domain) : { Resources: {}, Outputs: {} };
  return {
    Resources: { ...Resources, ...domainFragment.Resources },
    Outputs: domainFragment.Outputs,
    extensions: {
      HttpApiStage: {
        Properties: {
          AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': ['HttpApiAccessLogGroup', 'Arn'] }, Format: accessLogFormat },
          DefaultRouteSettings: defaults,
          ...(routes.length && { RouteSettings: Object.fromEntries(routes.map(({ routeKey, settings }) => [routeKey, settings])) }),
        },
        // A route's settings need the route to exist when the stage is made.
        DependsOn: routes.map(({ logicalId }) => logicalId),
      },
    },
  };
};

module.exports.accessLogFields = accessLogFields;
module.exports.accessLogGroupName = accessLogGroupName;
module.exports.accessLogFormat = accessLogFormat;
module.exports.accessLogMetrics = accessLogMetrics;
module.exports.GatewayConfigurationError = GatewayConfigurationError;
