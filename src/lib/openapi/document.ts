import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import * as z from 'zod/mini';
import { requestBodyDefaults } from '../http/middlewares';
import type { Resource, ResourceRoute } from '../resource/resource';

/* eslint-disable @typescript-eslint/no-require-imports -- the function list is CommonJS, shared with serverless.yml */
const functions = require('../../../resources/functions.js') as {
  catalog: Record<string, { http?: { method: string; path: string } | '*'; scope?: string; idempotent?: boolean }>;
  resourceServer: string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** What the API answers, as the service writes it. */
const fieldIssue = z.object({ field: z.string(), message: z.string() });
/** RFC 9457 problem details; `errors` names each invalid field of a 400. */
const problem = z.object({
  type: z.literal('about:blank'),
  status: z.int(),
  title: z.string(),
  detail: z.string(),
  errors: z.optional(z.array(fieldIssue)),
});
const status = (value: string) => z.object({ status: z.literal(value) });
const diagnostics = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
  stage: z.string(),
  coldStart: z.boolean(),
  database: z.object({ status: z.literal('ok'), roundTripMs: z.number() }),
});

const json = (schema: z.ZodMiniType) => ({ 'application/json': { schema } });
const problemContent = { 'application/problem+json': { schema: problem } };

const locationOf = (resource: Resource) => ({
  Location: { description: 'The new resource', required: true, schema: { type: 'string', pattern: `^${resource.path}/` } },
});

const headers = {
  retryAfter: {
    'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'string', pattern: '^\\d+$' } },
  },
  challenge: {
    'WWW-Authenticate': {
      description: 'An RFC 6750 Bearer challenge',
      required: true,
      schema: { type: 'string', pattern: '^Bearer realm="users-api"' },
    },
  },
  replayed: {
    'Idempotent-Replayed': {
      description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key',
      schema: { type: 'string', const: 'true' },
    },
  },
};

const problemResponse = (description: string, extraHeaders: Record<string, unknown> = {}) => ({
  description,
  headers: extraHeaders,
  content: problemContent,
});

/** The failures every route shares, and those of the routes that need a token, a body or a key. */
const failures = {
  unavailable: { 503: problemResponse('A dependency cannot be reached right now; retry after Retry-After', headers.retryAfter) },
  secured: {
    401: problemResponse('No valid access token', headers.challenge),
    403: problemResponse('The access token lacks the scope', headers.challenge),
  },
  body: {
    400: problemResponse('The body (or a parameter) is invalid; `errors` names each field'),
    413: problemResponse(`The body is larger than ${requestBodyDefaults.maxBytes} bytes`),
    415: problemResponse('The body is not JSON (Content-Type: application/json)'),
  },
  idempotent: (resource: Resource) => ({
    409: problemResponse(`A request with this Idempotency-Key is still in progress${resource.conflict ? `, or ${resource.conflict}` : ''}`),
    422: problemResponse('This Idempotency-Key was already used for a different request'),
  }),
  notFound: (resource: Resource) => ({ 404: problemResponse(`No ${resource.singular} has this id`) }),
};

const idempotencyKeyHeader = z.optional(z.string().check(z.minLength(1), z.maxLength(257)));

interface RouteDoc {
  summary: string;
  request?: ZodOpenApiOperationObject['requestParams'];
  body?: z.ZodMiniType;
  responses: ZodOpenApiResponsesObject;
}

/** The platform's own routes' operations; their method and path come from resources/functions.js. */
const serviceRoutes: Record<string, RouteDoc> = {
  healthLive: {
    summary: 'Liveness: the function answers, with no I/O',
    responses: { 200: { description: 'Alive', content: json(status('ok')) } },
  },
  healthReady: {
    summary: 'Readiness: one database round trip',
    responses: { 200: { description: 'Ready', content: json(status('ready')) }, ...failures.unavailable },
  },
  health: {
    summary: 'Diagnostics for operators',
    responses: {
      200: { description: 'Service, version, stage and database round trip', content: json(diagnostics) },
      ...failures.unavailable,
    },
  },
  openapi: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } } },
  docs: { summary: 'This document, rendered', responses: { 200: { description: 'An HTML page', content: { 'text/html': {} } } } },
  docsAssets: {
    summary: "The docs page's script and styles",
    request: { path: z.object({ file: z.string() }) },
    responses: {
      200: { description: 'The file', content: { 'text/javascript': {}, 'text/css': {} } },
      404: problemResponse('No such file'),
    },
  },
};

/** The operation of a resource's route, from its declaration: the answers follow from what it takes and does. */
function resourceRouteDoc(resource: Resource, route: ResourceRoute): RouteDoc {
  const { path, query, body } = route.request;
  const { status: successStatus, description, schema } = route.response;
  const successHeaders = { ...(successStatus === 201 && locationOf(resource)), ...(route.idempotent && headers.replayed) };
  return {
    summary: route.summary,
    ...((path || query) && { request: { ...(path && { path }), ...(query && { query }) } }),
    ...(body && { body }),
    responses: {
      [successStatus]: {
        description,
        ...(Object.keys(successHeaders).length && { headers: successHeaders }),
        ...(schema && { content: json(schema) }),
      },
      ...(body ? failures.body : query ? { 400: problemResponse('A parameter is invalid; `errors` names each one') } : {}),
      ...failures.secured,
      ...(path && failures.notFound(resource)),
      ...(route.idempotent && failures.idempotent(resource)),
      ...failures.unavailable,
    } as ZodOpenApiResponsesObject,
  };
}

const pascalCase = (words: string) => words.replace(/(?:^|[\s-])(\w)/g, (_match, letter: string) => letter.toUpperCase());

/** The API as src/api/registry.ts lists it. */
export interface Registry {
  api: { title: string; description: string };
  resources: readonly Resource[];
}

/**
 * The API's OpenAPI 3.1 document, generated from the schemas that validate requests: the
 * platform's routes, and each resource's as `registry` declares them. Never edited by hand.
 */
export function openApiDocument(version: string, { api, resources }: Registry) {
  const scopes = Object.fromEntries(
    resources
      .flatMap((resource) => Object.entries(resource.scopeNames))
      .map(([scope, scopeDescription]) => [`${functions.resourceServer}/${scope}`, scopeDescription]),
  );
  const resourceRoutes = new Map(
    resources.flatMap((resource) => Object.values(resource.routes).map((route) => [route.functionName, { resource, route }] as const)),
  );
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const [name, spec] of Object.entries(functions.catalog)) {
    if (!spec.http || spec.http === '*') continue;
    const owner = resourceRoutes.get(name);
    const route = owner ? resourceRouteDoc(owner.resource, owner.route) : serviceRoutes[name];
    if (!route) throw new Error(`${name} is an API function that the OpenAPI document does not describe`);
    const operation: ZodOpenApiOperationObject = {
      operationId: name,
      summary: route.summary,
      tags: [owner?.resource.name ?? 'service'],
      responses: route.responses,
    };
    const header = spec.idempotent ? { 'idempotency-key': idempotencyKeyHeader } : undefined;
    if (route.request || header) operation.requestParams = { ...route.request, ...(header && { header: z.object(header) }) };
    if (route.body) operation.requestBody = { required: true, content: json(route.body) };
    operation.security = spec.scope ? [{ cognito: [`${functions.resourceServer}/${spec.scope}`] }] : [];
    paths[spec.http.path] = { ...paths[spec.http.path], [spec.http.method.toLowerCase()]: operation };
  }
  // A page is described where a list route answers it: zod-openapi names a page component's item `<Item>Output` as
  // soon as two resources each register one.
  const resourceSchemas = resources.flatMap(({ singular, schemas }) => {
    const name = pascalCase(singular);
    return [
      [name, schemas.item],
      [`${name}Input`, schemas.input],
    ] as const;
  });
  return createDocument({
    openapi: '3.1.0',
    info: { title: api.title, version, description: api.description },
    tags: [
      ...resources.map((resource) => ({ name: resource.name, description: resource.description })),
      { name: 'service', description: 'Health and this document' },
    ],
    paths,
    components: {
      schemas: { ...Object.fromEntries(resourceSchemas), Problem: problem },
      securitySchemes: {
        cognito: {
          type: 'oauth2',
          description: "Access tokens of the stage's Cognito user pool (locally: `npm run token`)",
          flows: {
            clientCredentials: { tokenUrl: '/oauth2/token', scopes },
            authorizationCode: { authorizationUrl: '/oauth2/authorize', tokenUrl: '/oauth2/token', scopes },
          },
        },
      },
    },
  });
}

/** The document as served: the package's version, two-space JSON and a final newline. */
export function openApiDocumentText(registry: Registry): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read at generation time, not bundled
  const { version } = require('../../../package.json') as { version: string };
  return `${JSON.stringify(openApiDocument(version, registry), null, 2)}\n`;
}
