import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { openApiDocumentText } from '../../src/lib/openapi/document';
import { contractViolations } from '../support/contract';
import { fresh } from '../support/fresh';

/* eslint-disable @typescript-eslint/no-require-imports */
const { catalog, resourceServer } = require('../../resources/functions.js') as {
  catalog: Record<string, { http?: { method: string; path: string } | '*'; scope?: string; idempotent?: boolean }>;
  resourceServer: string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const committed = fs.readFileSync(path.resolve(__dirname, '../../openapi.json'), 'utf8');
const document = JSON.parse(committed);

describe('openapi.json', () => {
  it('is exactly what npm run openapi generates from the schemas', () => {
    expect(committed).toBe(openApiDocumentText());
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser, with every $ref resolved)', async () => {
    const api = await SwaggerParser.validate(structuredClone(document));
    expect((api as { openapi?: string }).openapi).toBe('3.1.0');
  });

  it('cannot be generated while an API function has no description in it', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const generate = fresh(() => {
      const functions = require('../../resources/functions.js') as { catalog: object };
      const undescribed = { http: { method: 'GET', path: '/api/undescribed' }, handler: 'src/handlers/health.handler' };
      jest.doMock('../../resources/functions.js', () => ({ ...functions, catalog: { ...functions.catalog, undescribed } }));
      return (require('../../src/lib/openapi/document') as typeof import('../../src/lib/openapi/document')).openApiDocumentText;
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
    jest.dontMock('../../resources/functions.js');
    expect(() => generate()).toThrow(new Error('undescribed is an API function that the OpenAPI document does not describe'));
  });

  it('describes every API route with its scope, and the key only where a retry may send one', () => {
    const routes = Object.entries(catalog).filter(([, spec]) => spec.http && spec.http !== '*');
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const [name, spec] of routes) {
      const { method, path: route } = spec.http as { method: string; path: string };
      const operation = document.paths[route]?.[method.toLowerCase()];
      expect({ name, operationId: operation?.operationId }).toEqual({ name, operationId: name });
      const scopes = operation.security.flatMap((requirement: Record<string, string[]>) => Object.values(requirement).flat());
      expect({ name, scopes }).toEqual({ name, scopes: spec.scope ? [`${resourceServer}/${spec.scope}`] : [] });
      const parameters = (operation.parameters ?? []).map((parameter: { in: string; name: string }) => `${parameter.in}:${parameter.name}`);
      expect({ name, key: parameters.includes('header:idempotency-key') }).toEqual({ name, key: Boolean(spec.idempotent) });
      if (spec.scope) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '503']));
    }
  });

  it('documents problem documents, headers and parameters as the service sends them', () => {
    const create = document.paths['/api/users'].post;
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '503']);
    expect(Object.keys(create.responses['201'].headers)).toEqual(['Location', 'Idempotent-Replayed']);
    expect(Object.keys(create.responses['503'].headers)).toEqual(['Retry-After']);
    expect(Object.keys(create.responses['401'].headers)).toEqual(['WWW-Authenticate']);
    expect(create.responses['400'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    const list = document.paths['/api/users'].get;
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['limit', 'cursor']);
    expect(document.paths['/api/users/{id}'].get.parameters[0]).toMatchObject({ in: 'path', name: 'id', required: true });
    expect(document.components.schemas.Problem.required).toEqual(['type', 'status', 'title', 'detail']);
    expect(Object.keys(document.components.securitySchemes.cognito.flows.clientCredentials.scopes)).toEqual([
      `${resourceServer}/users.read`,
      `${resourceServer}/users.write`,
    ]);
  });
});

describe('the e2e contract check (test/support/contract.ts)', () => {
  const user = {
    id: randomUUID(),
    email: 'a@example.com',
    name: 'A',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const created = {
    method: 'POST',
    path: '/api/users',
    status: 201,
    headers: { 'Content-Type': 'application/json', Location: `/api/users/${user.id}` },
    body: JSON.stringify(user),
  };

  it('accepts a response the contract allows', () => {
    expect(contractViolations(created)).toEqual([]);
    expect(contractViolations({ method: 'DELETE', path: `/api/users/${user.id}`, status: 204, headers: {}, body: '' })).toEqual([]);
  });

  it('names each way a response can break it', () => {
    expect(contractViolations({ ...created, status: 202 })).toEqual([
      expect.stringMatching(/POST \/api\/users 202: the status is not documented/),
    ]);
    expect(contractViolations({ ...created, headers: { 'Content-Type': 'application/json' } })).toEqual([
      expect.stringMatching(/required header Location is missing/),
    ]);
    expect(contractViolations({ ...created, body: JSON.stringify({ ...user, password: 'x' }) })).toEqual([
      expect.stringMatching(/must NOT have additional properties/),
    ]);
    expect(contractViolations({ ...created, headers: { ...created.headers, 'Content-Type': 'text/plain' } })).toEqual([
      expect.stringMatching(/Content-Type text\/plain is not one of application\/json/),
    ]);
    const unavailable = { method: 'GET', path: '/api/users', status: 503, headers: { 'content-type': 'application/problem+json' } };
    const problem = JSON.stringify({ type: 'about:blank', status: 503, title: 'Service Unavailable', detail: 'Retry' });
    expect(contractViolations({ ...unavailable, body: problem })).toEqual([
      expect.stringMatching(/required header Retry-After is missing/),
    ]);
    expect(contractViolations({ method: 'GET', path: '/api/nothing', status: 200, headers: {}, body: '{}' })).toEqual([
      expect.stringMatching(/matches no operation/),
    ]);
  });
});
