/* eslint-disable @typescript-eslint/no-require-imports -- the CommonJS modules serverless loads, each test loading them afresh */
import fs from 'node:fs';
import path from 'node:path';
import { fresh } from '../support/fresh';
import { serviceName } from '../support/names';

/**
 * resources/gateway.js as serverless calls it, with the variables it asks for. The packaged stages'
 * templates are checked by template.test.ts; these are the choices it makes from its params.
 */
type Fragment = { Resources: Record<string, any>; Outputs: Record<string, any>; extensions: { HttpApiStage: any } };
type Gateway = (input: { resolveVariable: (address: string) => Promise<unknown> }) => Promise<Fragment>;

const defaults: Record<string, unknown> = {
  'self:service': serviceName,
  'sls:stage': 'dev',
  'self:provider.region': 'eu-west-1',
  'self:params': { default: { apiDomainName: '' }, prod: { apiDomainName: 'api.example.com' } },
  'param:logRetentionDays': 7,
  'param:apiDomainName': '',
  'param:apiCertificateArn': '',
  'param:apiHostedZoneId': '',
  'param:apiThrottleRate': 'auto',
  'param:apiThrottleBurst': 'auto',
  'param:apiRouteConcurrency': 50,
  'param:apiRouteLatencyMs': 50,
  'param:dbProxy': false,
  'param:dbConnectionBudget': 0,
  'param:dbPoolMax': 1,
};

/** The fragment for a stage whose variables are `defaults` with `values`, from the modules as a fresh serverless process loads them. */
function gatewayFragment(values: Record<string, unknown> = {}, load: () => Gateway = () => require('../../resources/gateway')) {
  const variables = { ...defaults, ...values };
  const resolveVariable = async (address: string) => {
    if (!(address in variables)) throw new Error(`unexpected variable ${address}`);
    return variables[address];
  };
  return fresh(load)({ resolveVariable });
}

it("sizes the stage's limits from the concurrency a route may use: its reservation, else apiRouteConcurrency", async () => {
  expect((await gatewayFragment()).extensions.HttpApiStage.Properties.DefaultRouteSettings).toEqual({
    ThrottlingBurstLimit: 50,
    ThrottlingRateLimit: 1000,
  });
  // 70 connections over the database routes (health, readiness and every resource's), one each.
  const reserved = await gatewayFragment({ 'param:dbConnectionBudget': 70, 'param:apiRouteLatencyMs': 100 });
  const routes = Object.values(
    require('../../resources/functions').catalog as Record<string, { http?: unknown; database?: boolean }>,
  ).filter((spec) => spec.http && spec.database).length;
  const perRoute = Math.floor(70 / routes);
  expect(reserved.extensions.HttpApiStage.Properties.DefaultRouteSettings).toEqual({
    ThrottlingBurstLimit: perRoute,
    ThrottlingRateLimit: perRoute * 10,
  });
  const slow = await gatewayFragment({ 'param:apiRouteConcurrency': 1, 'param:apiRouteLatencyMs': 5000 });
  expect(slow.extensions.HttpApiStage.Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 });
  const given = await gatewayFragment({ 'param:apiThrottleRate': '250', 'param:apiThrottleBurst': 500 });
  expect(given.extensions.HttpApiStage.Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 500, ThrottlingRateLimit: 250 });
});

it.each([
  [{ 'param:apiThrottleRate': '0' }, 'apiThrottleRate must be a positive number or auto, not 0'],
  [{ 'param:apiThrottleBurst': 'many' }, 'apiThrottleBurst must be a positive number or auto, not many'],
  [
    { 'param:apiDomainName': 'api_example', 'param:apiCertificateArn': 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c' },
    'apiDomainName api_example (stage dev) is not a domain name',
  ],
  [
    { 'param:apiDomainName': 'api.dev.example.com', 'param:apiCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c' },
    "apiCertificateArn of stage dev is in us-east-1: a regional API's domain needs a certificate in eu-west-1",
  ],
  [
    { 'param:apiDomainName': 'api.dev.example.com' },
    "apiDomainName api.dev.example.com (stage dev) needs apiCertificateArn, an ACM certificate's ARN",
  ],
  [{ 'param:apiHostedZoneId': 'Z0123456789ABCDEFGHIJ' }, 'apiCertificateArn and apiHostedZoneId need apiDomainName (stage dev)'],
])('refuses %j, saying why', async (values, message) => {
  await expect(gatewayFragment(values)).rejects.toThrow(message);
});

it('refuses a domain set for every stage, and a hosted zone id that is not one', async () => {
  const certificate = { 'param:apiCertificateArn': 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c' };
  await expect(
    gatewayFragment({
      ...certificate,
      'param:apiDomainName': 'api.example.org',
      'self:params': { default: { apiDomainName: 'api.example.org' } },
    }),
  ).rejects.toThrow('apiDomainName api.example.org is set for every stage (params.default): set a domain per stage');
  await expect(
    gatewayFragment({ ...certificate, 'param:apiDomainName': 'api.example.org', 'param:apiHostedZoneId': 'zone-1' }),
  ).rejects.toThrow('apiHostedZoneId zone-1 (stage dev) is not a Route 53 hosted zone id');
});

it("gives a resource's route that declares `throttle` its own limits, on a route that exists before the stage", async () => {
  const fragment = await gatewayFragment({}, () => {
    const registry = jest.requireActual('../../src/api/registry') as typeof import('../../src/api/registry');
    const [first, ...rest] = registry.resources;
    const routes = { ...first!.routes, list: { ...first!.routes.list!, throttle: { rate: 5, burst: 10 } } };
    jest.doMock('../../src/api/registry', () => ({ ...registry, resources: [{ ...first, routes }, ...rest] }));
    return require('../../resources/gateway');
  });
  jest.dontMock('../../src/api/registry');
  const { path } = (await import('../../src/api/registry')).resources[0]!;
  const stage = fragment.extensions.HttpApiStage;
  expect(stage.Properties.RouteSettings[`GET ${path}`]).toEqual({ ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5 });
  // The framework's own name for the route, which is what it creates.
  const naming = require('serverless/lib/plugins/aws/lib/naming') as { getHttpApiRouteLogicalId(routeKey: string): string };
  expect(stage.DependsOn).toContain(naming.getHttpApiRouteLogicalId(`GET ${path}`));
});

it("shows in docs/deploying.md an access log line with the format's fields, in its order", () => {
  const { accessLogFields } = require('../../resources/gateway') as typeof import('../../resources/gateway');
  const page = fs.readFileSync(path.join(__dirname, '../../docs/deploying.md'), 'utf8');
  const sample = /```json\n(\{"requestId".*\})\n```/.exec(page)?.[1];
  expect(Object.keys(JSON.parse(sample ?? '{}'))).toEqual(Object.keys(accessLogFields));
});
