import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import * as z from 'zod/mini';
import { userInputSchema } from '../users/model';
import { listUsersQuery, userIdPath } from '../users/routes';
import { requestBodyDefaults } from '../http/middlewares';

/* eslint-disable @typescript-eslint/no-require-imports -- the function list is CommonJS, shared with serverless.yml */
const functions = require('../../../resources/functions.js') as {
  catalog: Record<string, { http?: { method: string; path: string } | '*'; scope?: string; idempotent?: boolean }>;
  resourceServer: string;
  scopes: Record<string, string>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** What the API answers, as the service writes it. */
const user = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const page = z.object({ items: z.array(user), next: z.nullable(z.string()) });
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

const headers = {
  location: { Location: { description: 'The new resource', required: true, schema: { type: 'string', pattern: '^/api/users/' } } },
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
  idempotent: {
    409: problemResponse('A request with this Idempotency-Key is still in progress, or the email is taken'),
    422: problemResponse('This Idempotency-Key was already used for a different request'),
  },
  notFound: { 404: problemResponse('No user has this id') },
};

const idempotencyKeyHeader = z.optional(z.string().check(z.minLength(1), z.maxLength(257)));

interface RouteDoc {
  summary: string;
  request?: ZodOpenApiOperationObject['requestParams'];
  body?: z.ZodMiniType;
  responses: ZodOpenApiResponsesObject;
}

/** Each API function's operation; its method, path, scope and idempotency come from resources/functions.js. */
const routes: Record<string, RouteDoc> = {
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
  usersCreate: {
    summary: 'Create a user',
    body: userInputSchema,
    responses: {
      201: { description: 'Created', headers: { ...headers.location, ...headers.replayed }, content: json(user) },
      ...failures.body,
      ...failures.secured,
      ...failures.idempotent,
      ...failures.unavailable,
    },
  },
  usersList: {
    summary: 'List users, a page at a time, in a stable order',
    request: { query: listUsersQuery },
    responses: {
      200: { description: 'A page; `next` is the cursor of the following one, or null', content: json(page) },
      400: problemResponse('A parameter is invalid; `errors` names each one'),
      ...failures.secured,
      ...failures.unavailable,
    },
  },
  usersGet: {
    summary: 'Read a user',
    request: { path: userIdPath },
    responses: {
      200: { description: 'The user', content: json(user) },
      ...failures.secured,
      ...failures.notFound,
      ...failures.unavailable,
    },
  },
  usersUpdate: {
    summary: "Replace a user's email and name",
    request: { path: userIdPath },
    body: userInputSchema,
    responses: {
      200: { description: 'The user as replaced', headers: headers.replayed, content: json(user) },
      ...failures.body,
      ...failures.secured,
      ...failures.notFound,
      ...failures.idempotent,
      ...failures.unavailable,
    },
  },
  usersDelete: {
    summary: 'Delete a user',
    request: { path: userIdPath },
    responses: {
      204: { description: 'Deleted', headers: headers.replayed },
      ...failures.secured,
      ...failures.notFound,
      ...failures.idempotent,
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

/** The API's OpenAPI 3.1 document, generated from the schemas that validate requests. Never edited by hand. */
export function openApiDocument(version: string) {
  const scopes = Object.fromEntries(
    Object.entries(functions.scopes).map(([scope, description]) => [`${functions.resourceServer}/${scope}`, description]),
  );
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const [name, spec] of Object.entries(functions.catalog)) {
    if (!spec.http || spec.http === '*') continue;
    const route = routes[name];
    if (!route) throw new Error(`${name} is an API function that the OpenAPI document does not describe`);
    const operation: ZodOpenApiOperationObject = {
      operationId: name,
      summary: route.summary,
      tags: [spec.http.path.startsWith('/api/users') ? 'users' : 'service'],
      responses: route.responses,
    };
    const header = spec.idempotent ? { 'idempotency-key': idempotencyKeyHeader } : undefined;
    if (route.request || header) operation.requestParams = { ...route.request, ...(header && { header: z.object(header) }) };
    if (route.body) operation.requestBody = { required: true, content: json(route.body) };
    operation.security = spec.scope ? [{ cognito: [`${functions.resourceServer}/${spec.scope}`] }] : [];
    paths[spec.http.path] = { ...paths[spec.http.path], [spec.http.method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Users API',
      version,
      description:
        'Users of the service, on AWS Lambda. Errors are RFC 9457 problem documents. Writes accept an Idempotency-Key: a retry with the same key and body gets the first response.',
    },
    tags: [
      { name: 'users', description: 'Create, read, list, replace and delete users' },
      { name: 'service', description: 'Health and this document' },
    ],
    paths,
    components: {
      schemas: { User: user, UserPage: page, Problem: problem, UserInput: userInputSchema },
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

/** The document as committed in openapi.json: the package's version, two-space JSON and a final newline. */
export function openApiDocumentText(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- read at generation time, not bundled
  const { version } = require('../../../package.json') as { version: string };
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}
