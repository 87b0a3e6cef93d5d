import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import * as z from 'zod/mini';
import { idempotencyKeyPattern } from '../http/idempotency';
import { requestBodyDefaults } from '../http/middlewares';
import { problem as problemDocument } from '../http/problem';
import type { Resource, ResourceRoute } from '../resource/resource';
import { exampleCursor, exampleId, pageOf } from '../resource/schemas';
import { docsFileNames } from './docs-files';

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

const json = (schema: z.ZodMiniType, example: unknown) => ({ 'application/json': { schema, example } });

const locationOf = (resource: Resource) => ({
  Location: {
    description: 'The new resource',
    required: true,
    schema: { type: 'string', pattern: `^${resource.path}/` },
    example: resource.location(exampleId),
  },
});

const headers = {
  retryAfter: {
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      required: true,
      schema: { type: 'string', pattern: '^\\d+$' },
      example: '1',
    },
  },
  replayed: {
    'Idempotent-Replayed': {
      description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key',
      schema: { type: 'string', const: 'true' },
      example: 'true',
    },
  },
};

/** The `WWW-Authenticate` header of a refused token: the realm is the service's name. */
const challengeOf = (realm: string) => ({
  'WWW-Authenticate': {
    description: 'An RFC 6750 Bearer challenge',
    required: true,
    schema: { type: 'string', pattern: `^Bearer realm="${realm}"` },
    example: `Bearer realm="${realm}", error="invalid_token", error_description="The access token is not valid"`,
  },
});

/** A problem response of `status`, with a problem document as its example; a 400's names a field. */
/** What every stage answers a request that no operation here matches (src/handlers/not-found.ts). */
const unmatchedRequests =
  'A path below asked with a method it does not have is answered 405 Method Not Allowed, with an `Allow` header naming ' +
  'the methods it has; any other path 404 Not Found. Both are problem documents.';

const problemResponse = (status: number, description: string, extraHeaders: Record<string, unknown> = {}, field = 'limit') => ({
  [status]: {
    description,
    headers: extraHeaders,
    content: {
      'application/problem+json': {
        schema: problem,
        example: problemDocument(status, description, status === 400 ? { errors: [{ field, message: 'must be a string' }] } : {}),
      },
    },
  },
});

/** The failures every route shares, and those of the routes that need a token, a body or a key. */
const failures = {
  // API Gateway answers this itself, before any function runs, with a body an HTTP API cannot reshape.
  throttled: {
    429: {
      description:
        "API Gateway's throttling (a deployed stage's rate or burst limit was passed): nothing ran; retry after a pause, with backoff and jitter",
      content: json(z.object({ message: z.literal('Too Many Requests') }), { message: 'Too Many Requests' }),
    },
  },
  unavailable: problemResponse(503, 'A dependency cannot be reached right now; retry after Retry-After', headers.retryAfter),
  secured: (realm: string) => ({
    ...problemResponse(401, 'No valid access token', challengeOf(realm)),
    ...problemResponse(403, 'The access token lacks the scope', challengeOf(realm)),
  }),
  body: (field: string) => ({
    ...problemResponse(400, 'The body (or a parameter) is invalid; `errors` names each field', {}, field),
    ...problemResponse(413, `The body is larger than ${requestBodyDefaults.maxBytes} bytes`),
    ...problemResponse(415, 'The body is not JSON (Content-Type: application/json)'),
  }),
  idempotent: (resource: Resource) => ({
    ...problemResponse(
      409,
      `A request with this Idempotency-Key is still in progress${resource.conflict ? `, or ${resource.conflict}` : ''}`,
    ),
    ...problemResponse(422, 'This Idempotency-Key was already used for a different request'),
  }),
  notFound: (resource: Resource) => problemResponse(404, `No ${resource.singular} has this id`),
};

const idempotencyKeyHeader = z.optional(z.string().check(z.regex(idempotencyKeyPattern))).register(z.globalRegistry, {
  param: {
    example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    description: 'A key of 1 to 255 printable ASCII characters, quoted (a Structured Field string) or not: a retry sends the same',
  },
});

interface RouteDoc {
  summary: string;
  description: string;
  request?: ZodOpenApiOperationObject['requestParams'];
  body?: { schema: z.ZodMiniType; example: unknown };
  responses: ZodOpenApiResponsesObject;
}

const text = (example: string) => ({ schema: z.string(), example });

/** The platform's own routes' operations; their method and path come from the function catalog (src/api/functions.ts). */
const serviceRoutesOf = (service: string, title: string): Record<string, RouteDoc> => ({
  healthLive: {
    summary: 'Liveness: the function answers, with no I/O',
    description: 'Answers 200 whenever the function runs; it reads nothing, so it says nothing of the database.',
    responses: { 200: { description: 'Alive', content: json(status('ok'), { status: 'ok' }) } },
  },
  healthReady: {
    summary: 'Readiness: one database round trip',
    description: 'Answers 200 once the database has answered one round trip, and 503 with Retry-After while it cannot be reached.',
    responses: { 200: { description: 'Ready', content: json(status('ready'), { status: 'ready' }) }, ...failures.unavailable },
  },
  health: {
    summary: 'Diagnostics for operators',
    description: "The service's name, version and stage, whether this request started a container, and the database's round trip.",
    responses: {
      200: {
        description: 'Service, version, stage and database round trip',
        content: json(diagnostics, {
          status: 'ok',
          service,
          version: '0.1.0',
          stage: 'dev',
          coldStart: false,
          database: { status: 'ok', roundTripMs: 1.4 },
        }),
      },
      ...failures.unavailable,
    },
  },
  openapi: {
    summary: 'This document',
    description: "The API's contract, OpenAPI 3.1, generated from the schemas that validate its requests.",
    responses: {
      200: {
        description: 'OpenAPI 3.1',
        content: json(z.looseObject({ openapi: z.literal('3.1.0') }), { openapi: '3.1.0', info: { title, version: '0.1.0' } }),
      },
    },
  },
  docs: {
    summary: 'This document, rendered',
    description:
      'An HTML page that renders this document with Swagger UI, served by this API itself: it loads nothing from another origin.',
    responses: { 200: { description: 'An HTML page', content: { 'text/html': text('<!doctype html>\n<html lang="en">…</html>\n') } } },
  },
  docsAssets: {
    summary: "The docs page's script and styles",
    description: 'The files the docs page loads, and no other: Brotli-compressed for a client that accepts it.',
    request: { path: z.object({ file: z.enum(docsFileNames).register(z.globalRegistry, { param: { example: 'start.js' } }) }) },
    responses: {
      200: {
        description: 'The file',
        content: {
          'text/javascript': text("window.addEventListener('load', function () { … });\n"),
          'text/css': text('.swagger-ui { … }\n'),
        },
      },
      ...problemResponse(404, 'No such file'),
    },
  },
});

/** What a resource's request bodies and answers look like, from its declared examples. */
function examplesOf(resource: Resource) {
  const { item, input } = resource.examples;
  const page = { items: [item], next: exampleCursor };
  return (schema: z.ZodMiniType | undefined) =>
    schema === resource.schemas.input
      ? input
      : schema === resource.schemas.item
        ? item
        : schema === pageOf(resource.schemas.item)
          ? page
          : undefined;
}

/** The operation of a resource's route, from its declaration: the answers follow from what it takes and does. */
function resourceRouteDoc(resource: Resource, route: ResourceRoute, realm: string): RouteDoc {
  const { path, query, body } = route.request;
  const { status: successStatus, description, schema } = route.response;
  const successHeaders = { ...(successStatus === 201 && locationOf(resource)), ...(route.idempotent && headers.replayed) };
  const example = examplesOf(resource);
  const firstField = Object.keys((resource.examples.input as object | undefined) ?? {})[0] ?? 'body';
  return {
    summary: route.summary,
    description: route.description,
    ...((path || query) && { request: { ...(path && { path }), ...(query && { query }) } }),
    ...(body && { body: { schema: body, example: example(body) } }),
    responses: {
      [successStatus]: {
        description,
        ...(Object.keys(successHeaders).length && { headers: successHeaders }),
        ...(schema && { content: json(schema, example(schema)) }),
      },
      ...(body
        ? failures.body(firstField)
        : query
          ? problemResponse(400, 'A parameter is invalid; `errors` names each one')
          : route.idempotent
            ? problemResponse(400, 'The Idempotency-Key header is invalid', {}, 'Idempotency-Key')
            : {}),
      ...failures.secured(realm),
      ...(path && failures.notFound(resource)),
      ...(route.idempotent && failures.idempotent(resource)),
      ...failures.unavailable,
    } as ZodOpenApiResponsesObject,
  };
}

const byStatus = (responses: ZodOpenApiResponsesObject): ZodOpenApiResponsesObject =>
  Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));

const pascalCase = (words: string) => words.replace(/(?:^|[\s-])(\w)/g, (_match, letter: string) => letter.toUpperCase());

/** The API as src/api/ declares it: its introduction, its resources, its functions and the server that names its scopes. */
export interface Registry {
  api: {
    title: string;
    description: string;
    contact: { name: string; url?: string; email?: string };
    license: { name: string; identifier: string };
  };
  resources: readonly Resource[];
  /** Every function; an API route's method and path, scope and key come from here. */
  catalog: Readonly<Record<string, { http?: { method: string; path: string } | '*'; scope?: string; idempotent?: boolean }>>;
  /** The service's name: the resource server of its scopes, the realm of its challenges and the name its health reports. */
  resourceServer: string;
}

/**
 * The API's OpenAPI 3.1 document, generated from the schemas that validate requests: the
 * platform's routes, and each resource's as `registry` declares them, every part with an example
 * a client's tools can send. Never edited by hand.
 */
export function openApiDocument(version: string, { api, resources, catalog, resourceServer }: Registry) {
  const scopes = Object.fromEntries(
    resources
      .flatMap((resource) => Object.entries(resource.scopeNames))
      .map(([scope, scopeDescription]) => [`${resourceServer}/${scope}`, scopeDescription]),
  );
  const resourceRoutes = new Map(
    resources.flatMap((resource) => Object.values(resource.routes).map((route) => [route.functionName, { resource, route }] as const)),
  );
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  const serviceRoutes = serviceRoutesOf(resourceServer, api.title);
  for (const [name, spec] of Object.entries(catalog)) {
    if (!spec.http || spec.http === '*') continue;
    const owner = resourceRoutes.get(name);
    const route = owner ? resourceRouteDoc(owner.resource, owner.route, resourceServer) : serviceRoutes[name];
    if (!route) throw new Error(`${name} is an API function that the OpenAPI document does not describe`);
    const operation: ZodOpenApiOperationObject = {
      operationId: name,
      summary: route.summary,
      description: route.description,
      tags: [owner?.resource.name ?? 'service'],
      responses: byStatus({ ...route.responses, ...failures.throttled }),
    };
    const header = spec.idempotent ? { 'idempotency-key': idempotencyKeyHeader } : undefined;
    if (route.request || header) operation.requestParams = { ...route.request, ...(header && { header: z.object(header) }) };
    if (route.body) operation.requestBody = { required: true, content: json(route.body.schema, route.body.example) };
    operation.security = spec.scope ? [{ cognito: [`${resourceServer}/${spec.scope}`] }] : [];
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
    info: { title: api.title, version, description: `${api.description} ${unmatchedRequests}`, contact: api.contact, license: api.license },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local stage (npm start)' },
      // A variable's own description is left out: swagger-parser's 3.1 schema misspells it (`descriptions`) and refuses it.
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: "A deployed stage: apiId is the first label of its stack's HttpApiUrl output, region its region",
        variables: { apiId: { default: 'a1b2c3d4e5' }, region: { default: 'eu-west-1' } },
      },
    ],
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
