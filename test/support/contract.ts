import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { contract as generated } from '../../src/api/contract';
import { routeTable } from '../../src/lib/openapi/route-table';

/** The contract as GET /api/openapi.json serves it. */
export const contract = generated as { paths: Record<string, unknown>; components: Record<string, unknown>; [key: string]: unknown };

/** The contract's paths and their methods, as the catch-all reads them. */
const routes = routeTable(contract);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(contract, 'openapi.json');

export const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

interface Operation {
  operationId: string;
  parameters?: { in: string; name: string; required?: boolean; schema: unknown }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, { required?: boolean; schema: unknown }>; content?: Record<string, unknown> }>;
  security: Record<string, string[]>[];
}

/** The documented operation for a method and path, with its path template; undefined when none matches. */
export function operationFor(method: string, requestPath: string): { template: string; operation: Operation } | undefined {
  const pathname = requestPath.split('?')[0]!;
  for (const [template, item] of Object.entries(contract.paths as Record<string, Record<string, Operation>>)) {
    const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(pathname) && item[method.toLowerCase()]) return { template, operation: item[method.toLowerCase()]! };
  }
  return undefined;
}

/** Why `value` does not match the contract's schema at `schemaPointer` (a JSON pointer into it); empty when it does. */
export function validate(schemaPointer: string, value: unknown): string[] {
  const check = ajv.getSchema(`openapi.json#${schemaPointer}`) ?? ajv.compile({ $ref: `openapi.json#${schemaPointer}` });
  return check(value) ? [] : (check.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}`);
}

export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What sls offline answers itself, before any function runs (docs/local-development.md, "What sls offline answers itself"): not the service's. */
const offlineOwnAnswer = /^\{"statusCode":\d{3},"error":"[^"]+","message":"[^"]*"\}$/;

/**
 * Why a response breaks the contract (empty when it keeps it): its status must be documented for
 * the operation, its media type and body must match that response's schema, and its required
 * headers must be present and match theirs. A request that matches no operation reaches the
 * catch-all, which may only answer 404 with a problem document (or a CORS preflight).
 */
export function contractViolations(response: ObservedResponse): string[] {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim();
  if (response.status === 400 && offlineOwnAnswer.test(response.body)) return [];
  const found = operationFor(response.method, response.path);
  if (!found) {
    if (response.method === 'OPTIONS') return [];
    // A known path with another method: 405 naming the path's methods (info.description says so); any other path: 404.
    const allowed = routes.methodsOf(response.path.split('?')[0]!);
    const expected = allowed ? 405 : 404;
    if (response.status !== expected || mediaType !== 'application/problem+json') {
      return [
        `${response.method} ${response.path} matches no operation, so only the catch-all's ${expected} may answer it, not ${response.status}`,
      ];
    }
    if (allowed && headers.allow !== allowed.join(', ')) {
      return [
        `${response.method} ${response.path}: 405 must name the path's methods in Allow (${allowed.join(', ')}), not ${headers.allow}`,
      ];
    }
    return validate('/components/schemas/Problem', JSON.parse(response.body)).map((message) => `catch-all ${expected} body: ${message}`);
  }
  const { template, operation } = found;
  const where = `${response.method} ${template} ${response.status}`;
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${where}: the status is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
  const base = pointer('', 'paths', template, response.method.toLowerCase(), 'responses', String(response.status));
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`${where}: the required header ${name} is missing`);
      continue;
    }
    problems.push(...validate(`${base}/headers/${pointer(name)}/schema`, value).map((message) => `${where}: header ${name} ${message}`));
  }
  if (!documented.content) {
    if (response.body !== '') problems.push(`${where}: a body where none is documented`);
    return problems;
  }
  const media = documented.content[mediaType] as { schema?: unknown } | undefined;
  if (!media)
    return [...problems, `${where}: Content-Type ${mediaType || '(none)'} is not one of ${Object.keys(documented.content).join(', ')}`];
  if (media.schema) {
    // A JSON media type's body is the JSON it holds; any other's (HTML, a script) is its text.
    let body: unknown = response.body;
    try {
      if (/json/.test(mediaType)) body = JSON.parse(response.body);
    } catch {
      return [...problems, `${where}: the body is not JSON`];
    }
    problems.push(...validate(`${base}/content/${pointer(mediaType)}/schema`, body).map((message) => `${where}: body${message}`));
  }
  return problems;
}

/** Fails the test that received a response the contract does not allow. */
export function expectContract(response: ObservedResponse): void {
  const problems = contractViolations(response);
  if (problems.length)
    throw new Error(`The response breaks openapi.json:\n- ${problems.join('\n- ')}\nBody: ${response.body.slice(0, 500)}`);
}
